import { Injectable, Logger } from '@nestjs/common';
import { DatabaseError } from '@relay/prisma';

/** Attempts of one write while the database is unavailable, and the pause between them (ms). */
const MAX_ATTEMPTS = 20;
const RETRY_DELAY_MS = 500;
/** Writes queued per event beyond which the oldest are dropped (the media path never waits). */
const MAX_QUEUED_PER_EVENT = 1000;

/**
 * Runs the relay's database writes off the media path: in order per event, retried while the database
 * is unavailable, never awaited by the caller.
 */
@Injectable()
export class EventWritesService {
  private readonly logger = new Logger('EventWrites');
  private readonly queues = new Map<string, { tail: Promise<void>; size: number }>();

  /** Queues `write` after the event's earlier writes. `what` names it in logs (no secrets). */
  enqueue(eventId: string, what: string, write: () => Promise<unknown>): void {
    const queue = this.queues.get(eventId) ?? { tail: Promise.resolve(), size: 0 };
    if (queue.size >= MAX_QUEUED_PER_EVENT) {
      this.logger.warn(`Dropped write "${what}" of event ${eventId}: ${queue.size} writes already queued`);
      return;
    }
    queue.size++;
    queue.tail = queue.tail
      .then(() => this.attempt(eventId, what, write))
      .finally(() => {
        queue.size--;
        if (queue.size === 0 && this.queues.get(eventId) === queue) this.queues.delete(eventId);
      });
    this.queues.set(eventId, queue);
  }

  /** Resolves when every queued write has finished (shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.tail));
  }

  private async attempt(eventId: string, what: string, write: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (error) {
        const retry =
          error instanceof DatabaseError && error.kind === 'unavailable' && attempt < MAX_ATTEMPTS;
        const message = error instanceof Error ? error.message : String(error);
        if (!retry) {
          this.logger.error(`Write "${what}" of event ${eventId} failed: ${message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }
}

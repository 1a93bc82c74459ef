import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { DatabaseError } from '@relay/prisma';
import { EventChangePublisher } from '@relay/queue';

/** While a held write runs: when it was queued (ms since epoch), i.e. when what it records happened. */
const queuedAtOfWrite = new AsyncLocalStorage<number>();

/**
 * When the write running now was queued, as a Date (undefined outside {@link EventWriteQueue}): a
 * timeline entry written after a database outage carries the time the thing happened, not the write time.
 */
export function currentWriteQueuedAt(): Date | undefined {
  const at = queuedAtOfWrite.getStore();
  return at === undefined ? undefined : new Date(at);
}

/** Bounds of {@link EventWriteQueue}: how much it holds while the database is away, and for how long. */
export interface EventWriteLimits {
  /** Writes held across all events. */
  maxQueued: number;
  /** Writes held per event. */
  maxQueuedPerEvent: number;
  /** A write not done this long after it was queued is dropped, ms. */
  maxAgeMs: number;
  /** First pause after an `unavailable` failure, ms; doubled per attempt up to `retryMaxDelayMs`. */
  retryMinDelayMs: number;
  retryMaxDelayMs: number;
}

/**
 * The relay's defaults: a PostgreSQL restart (seconds) or outage of up to 10 minutes loses nothing; a
 * write is retried every 5 s at most, so recovery is seen within 5 s of the database's return.
 */
export const EVENT_WRITE_LIMITS: EventWriteLimits = {
  maxQueued: 20_000,
  maxQueuedPerEvent: 5_000,
  maxAgeMs: 10 * 60_000,
  retryMinDelayMs: 250,
  retryMaxDelayMs: 5_000,
};

/** Where {@link EventWriteQueue} logs; Nest's `Logger` fits. */
export interface EventWriteLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface QueuedWrite {
  readonly what: string;
  readonly write: () => Promise<unknown>;
  readonly queuedAt: number;
}

interface EventQueue {
  readonly items: QueuedWrite[];
  running: boolean;
}

/**
 * Database writes off the media path: in order per event, never awaited by the caller, retried with
 * exponential backoff for as long as the database is `unavailable` (DatabaseError kind), within
 * {@link EventWriteLimits}: a write older than `maxAgeMs` is dropped, and when a queue is full its
 * oldest waiting write is dropped (newer state wins). Other failures are logged and the write is dropped.
 */
export class EventWriteQueue {
  private readonly queues = new Map<string, EventQueue>();
  private total = 0;
  private awaySince: number | null = null;
  private drainWaiters: Array<() => void> = [];

  /**
   * @param written called with the event id after each write the database answered (committed, or
   *   refused for good), e.g. to tell status streams to re-read the event; must return at once.
   */
  constructor(
    private readonly limits: EventWriteLimits,
    private readonly logger: EventWriteLogger,
    private readonly written: (eventId: string) => void = () => undefined,
  ) {}

  /** Writes held now, across all events (the one being tried included). */
  get size(): number {
    return this.total;
  }

  /** Queues `write` after the event's earlier writes; returns at once. `what` names it in logs (no secrets). */
  enqueue(eventId: string, what: string, write: () => Promise<unknown>): void {
    const queue = this.queues.get(eventId) ?? { items: [], running: false };
    if (this.total >= this.limits.maxQueued || queue.items.length >= this.limits.maxQueuedPerEvent) {
      // The write being tried (index 0) stays; the oldest waiting one goes, or else this new one.
      const oldest = queue.items.length > 1 ? queue.items.splice(1, 1)[0] : undefined;
      this.logger.error(
        `Dropped write "${oldest?.what ?? what}" of event ${eventId}: ${this.total} writes held while the database is away`,
      );
      if (!oldest) return;
      this.total--;
    }
    queue.items.push({ what, write, queuedAt: Date.now() });
    this.total++;
    this.queues.set(eventId, queue);
    if (!queue.running) void this.pump(eventId, queue);
  }

  /** Resolves when every held write is done, or after `timeoutMs` (logging how many are left). */
  async drain(timeoutMs = 10_000): Promise<void> {
    if (this.total === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => this.drainWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!drained) this.logger.error(`${this.total} database write(s) not done after ${timeoutMs} ms; lost`);
  }

  private async pump(eventId: string, queue: EventQueue): Promise<void> {
    queue.running = true;
    for (let item = queue.items[0]; item; item = queue.items[0]) {
      await this.attempt(eventId, item);
      queue.items.shift();
      this.total--;
    }
    queue.running = false;
    if (this.queues.get(eventId) === queue) this.queues.delete(eventId);
    if (this.total === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private async attempt(eventId: string, item: QueuedWrite): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await queuedAtOfWrite.run(item.queuedAt, item.write);
        this.databaseAnswered();
        this.written(eventId);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof DatabaseError && error.kind === 'unavailable')) {
          this.databaseAnswered();
          this.logger.error(`Write "${item.what}" of event ${eventId} failed: ${message}`);
          this.written(eventId); // part of it may have been committed
          return;
        }
        this.databaseAway(message);
        const delay = Math.min(
          this.limits.retryMaxDelayMs,
          this.limits.retryMinDelayMs * 2 ** Math.min(attempt - 1, 20),
        );
        if (Date.now() + delay - item.queuedAt > this.limits.maxAgeMs) {
          this.logger.error(
            `Dropped write "${item.what}" of event ${eventId}: the database has been unavailable for longer ` +
              `than ${this.limits.maxAgeMs} ms (${message})`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private databaseAway(message: string): void {
    if (this.awaySince !== null) return;
    this.awaySince = Date.now();
    this.logger.warn(`${message}: holding the relay's writes and retrying them until it is back`);
  }

  private databaseAnswered(): void {
    if (this.awaySince === null) return;
    const seconds = ((Date.now() - this.awaySince) / 1000).toFixed(1);
    this.awaySince = null;
    this.logger.log(`Database available again after ${seconds} s; writing ${this.total} held write(s)`);
  }
}

/**
 * The relay's {@link EventWriteQueue}, with {@link EVENT_WRITE_LIMITS}; each write the database answered
 * is announced on the event changes channel (status streams of the API re-read the event).
 */
@Injectable()
export class EventWritesService extends EventWriteQueue {
  constructor(changes: EventChangePublisher) {
    super(EVENT_WRITE_LIMITS, new Logger('EventWrites'), (eventId) => changes.publish(eventId));
  }
}

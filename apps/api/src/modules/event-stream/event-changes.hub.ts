import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { EventChangeSubscriber } from '@relay/queue';

/**
 * This API process's one subscription to the event changes channel, fanned out to the open status
 * streams of each event.
 */
@Injectable()
export class EventChangesHub implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly subscriber: EventChangeSubscriber;

  constructor(env: EnvironmentVariables) {
    this.subscriber = new EventChangeSubscriber(env.REDIS_URL, new Logger('EventChanges'));
  }

  /** Subscribes at start-up, outside any request (its connection's callbacks carry no request context). */
  onModuleInit(): void {
    this.subscriber.start(({ eventId }) => this.listeners.get(eventId)?.forEach((notify) => notify()));
  }

  /** Calls `listener` each time a change of `eventId` is announced; returns the function that stops it. */
  listen(eventId: string, listener: () => void): () => void {
    const set = this.listeners.get(eventId) ?? new Set();
    set.add(listener);
    this.listeners.set(eventId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(eventId) === set) this.listeners.delete(eventId);
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber.stop();
  }
}

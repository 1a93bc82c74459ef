import Redis from 'ioredis';
import { EVENT_CHANGES_CHANNEL } from './queue-names';
import { closeRedisConnection, redisConnectionFromUrl, redisDisplayUrl } from './redis-connection';

/** Where the publisher and subscriber report outages; Nest's `Logger` fits. */
export interface EventChangesLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** Longest wait for Redis to take one PUBLISH, ms; past it the notification is dropped. */
const PUBLISH_TIMEOUT_MS = 1000;
/** Longest event id accepted from the channel (a UUID is 36 characters). */
const MAX_EVENT_ID_LENGTH = 64;

/**
 * Why a change is announced, when something besides the status streams must act on it:
 * `ingest_key_rotated`: an ingest stream key was replaced; every relay cuts a publisher still using the
 * old key (the `sync` job reaches only the event's owner, and a publisher may sit on another relay).
 */
export type EventChangeCause = 'ingest_key_rotated';
const CAUSES: ReadonlySet<string> = new Set<EventChangeCause>(['ingest_key_rotated']);

/** One announced change: the event, and the cause when one matters. */
export interface EventChange {
  eventId: string;
  cause?: EventChangeCause;
}

/** The message published on {@link EVENT_CHANGES_CHANNEL}: `{"eventId":"<uuid>"[,"cause":"…"]}`. */
export function encodeEventChange(eventId: string, cause?: EventChangeCause): string {
  return JSON.stringify(cause ? { eventId, cause } : { eventId });
}

/**
 * The change a message of {@link EVENT_CHANGES_CHANNEL} announces, or null when it is not one. An
 * unknown cause is dropped (an older process reads a newer one's message as a plain change).
 */
export function decodeEventChange(message: string): EventChange | null {
  try {
    const parsed = JSON.parse(message) as { eventId?: unknown; cause?: unknown } | null;
    const id = parsed?.eventId;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_EVENT_ID_LENGTH) return null;
    const cause = parsed?.cause;
    return typeof cause === 'string' && CAUSES.has(cause)
      ? { eventId: id, cause: cause as EventChangeCause }
      : { eventId: id };
  } catch {
    return null;
  }
}

/**
 * Announces, after a change of an event is committed to PostgreSQL, that status streams should re-read
 * it: a PUBLISH of {@link encodeEventChange} on {@link EVENT_CHANGES_CHANNEL}, on a connection of its
 * own. Fire and forget: {@link EventChangePublisher.publish} never waits and never throws; while Redis
 * is away notifications are dropped (the streams re-read on a timer too), with one warning per outage.
 */
export class EventChangePublisher {
  private readonly client: Redis;
  private readonly displayUrl: string;
  private failing = false;
  private stopped = false;

  constructor(
    url: string,
    private readonly logger: EventChangesLogger,
  ) {
    this.displayUrl = redisDisplayUrl(url);
    this.client = new Redis({
      ...redisConnectionFromUrl(url, { failFast: true }),
      connectTimeout: 2000,
      commandTimeout: PUBLISH_TIMEOUT_MS,
    });
    // Reported through failed publishes, once per outage.
    this.client.on('error', () => undefined);
  }

  /** Announces a change of event `eventId` (with its `cause` when one matters); returns at once. */
  publish(eventId: string, cause?: EventChangeCause): void {
    if (this.stopped) return;
    if (this.client.status !== 'ready') return this.failed(`connection ${this.client.status}`);
    this.client.publish(EVENT_CHANGES_CHANNEL, encodeEventChange(eventId, cause)).then(
      () => this.succeeded(),
      (error: unknown) => this.failed(error instanceof Error ? error.message : String(error)),
    );
  }

  /** Closes the connection; later publishes do nothing. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await closeRedisConnection(this.client);
  }

  /** Nest lifecycle hook: {@link EventChangePublisher.stop}. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private failed(reason: string): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    this.logger.warn(
      `Event change notifications not sent to Redis at ${this.displayUrl} (${reason}); ` +
        'status streams still re-read every few seconds',
    );
  }

  private succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log(`Event change notifications sent to Redis at ${this.displayUrl} again`);
  }
}

/**
 * Listens to {@link EVENT_CHANGES_CHANNEL} on one connection of its own (a subscribed connection can do
 * nothing else) and calls `listener` with each change. Reconnects and subscribes again by itself
 * (ioredis `autoResubscribe`); says once when the connection is lost and once when it is back.
 *
 * States: created → started → stopped.
 */
export class EventChangeSubscriber {
  private readonly client: Redis;
  private readonly displayUrl: string;
  private up = false;
  private lost = false;
  private stopped = false;

  constructor(
    url: string,
    private readonly logger: EventChangesLogger,
  ) {
    this.displayUrl = redisDisplayUrl(url);
    // Commands wait for the connection (offline queue on): the SUBSCRIBE is sent once Redis answers.
    this.client = new Redis({ ...redisConnectionFromUrl(url), lazyConnect: true, connectTimeout: 2000 });
    this.client.on('error', () => undefined);
    this.client.on('ready', () => {
      this.up = true;
      if (this.lost) this.logger.log(`Listening to event changes on ${this.displayUrl} again`);
      this.lost = false;
    });
    this.client.on('close', () => {
      if (!this.up || this.stopped) return;
      this.up = false;
      this.lost = true;
      this.logger.warn(
        `Lost Redis at ${this.displayUrl}: status streams re-read on their timer until it is back`,
      );
    });
  }

  /** Subscribes and calls `listener(change)` for each change; returns at once. */
  start(listener: (change: EventChange) => void): void {
    this.client.on('message', (channel: string, message: string) => {
      if (channel !== EVENT_CHANGES_CHANNEL) return;
      const change = decodeEventChange(message);
      if (change) listener(change);
    });
    this.client.subscribe(EVENT_CHANGES_CHANNEL).catch((error: unknown) => {
      if (!this.stopped)
        this.logger.warn(
          `Could not subscribe to event changes: ${error instanceof Error ? error.message : String(error)}`,
        );
    });
  }

  /** Unsubscribes and closes the connection. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await closeRedisConnection(this.client);
  }
}

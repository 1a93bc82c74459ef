import Redis from 'ioredis';
import { evictionPolicyProblem, readEvictionPolicy } from './redis-checks';
import { closeRedisConnection, redisConnectionFromUrl, redisDisplayUrl } from './redis-connection';

/** Where {@link RedisAvailability} reports changes; Nest's `Logger` fits. */
export interface RedisAvailabilityLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link RedisAvailability}. */
export interface RedisAvailabilityOptions {
  logger: RedisAvailabilityLogger;
  /** Pause between two PINGs, ms; default 2000. A PING unanswered for `pingTimeoutMs` means "away". */
  pingIntervalMs?: number;
  /** Longest wait for a PING reply, ms; default 1000. */
  pingTimeoutMs?: number;
}

/**
 * Whether the Redis of the job queues answers, seen from a connection of its own: the connection's events
 * (a killed or restarted server is seen at once) plus a PING every `pingIntervalMs` (a hung server).
 * Logs one line when Redis goes away and one when it is back, with how long it was away; re-checks the
 * eviction policy each time it is back (a Redis restarted with another config) and logs an error if it
 * is not `noeviction`.
 *
 * States: created → started (available or not, changing with the connection) → stopped.
 */
export class RedisAvailability {
  private readonly client: Redis;
  private readonly displayUrl: string;
  private readonly logger: RedisAvailabilityLogger;
  private readonly pingIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private up = false;
  /** When Redis was last seen going away (ms since epoch); null while available or before the first connection. */
  private awaySince: number | null = null;
  private lastError = '';
  private stopped = false;

  constructor(url: string, options: RedisAvailabilityOptions) {
    this.displayUrl = redisDisplayUrl(url);
    this.logger = options.logger;
    this.pingIntervalMs = options.pingIntervalMs ?? 2000;
    this.client = new Redis({
      ...redisConnectionFromUrl(url, { failFast: true }),
      lazyConnect: true,
      connectTimeout: 2000,
      commandTimeout: options.pingTimeoutMs ?? 1000,
    });
    this.client.on('ready', () => this.markUp());
    this.client.on('close', () => this.markDown('connection closed'));
    this.client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
  }

  /** True while Redis answers. */
  get available(): boolean {
    return this.up;
  }

  /**
   * Connects and starts watching. Resolves once connected, or after `waitMs` (default 5000) with Redis
   * still away: never rejects, {@link RedisAvailability.available} tells.
   */
  async start(waitMs = 5000): Promise<void> {
    this.timer = setInterval(() => void this.ping(), this.pingIntervalMs);
    this.timer.unref();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      // Retried by ioredis; failures reach the 'error' listener.
      this.client.connect().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
  }

  /** Stops watching and closes the connection. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await closeRedisConnection(this.client);
  }

  /** Nest lifecycle hook: {@link RedisAvailability.stop}. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async ping(): Promise<void> {
    if (this.client.status !== 'ready') return;
    try {
      await this.client.ping();
      this.markUp();
    } catch (error) {
      this.markDown(error instanceof Error ? error.message : String(error));
    }
  }

  private markUp(): void {
    if (this.up) return;
    this.up = true;
    if (this.awaySince !== null) {
      const awayMs = Date.now() - this.awaySince;
      this.logger.log(`Redis at ${this.displayUrl} is available again after ${(awayMs / 1000).toFixed(1)} s`);
    }
    this.awaySince = null;
    void this.checkPolicy();
  }

  private markDown(reason: string): void {
    if (!this.up || this.stopped) return;
    this.up = false;
    this.awaySince = Date.now();
    this.logger.warn(`Redis at ${this.displayUrl} is unavailable (${this.lastError || reason})`);
  }

  private async checkPolicy(): Promise<void> {
    try {
      const policy = await readEvictionPolicy(this.client);
      const problem = policy === undefined ? null : evictionPolicyProblem(policy, this.displayUrl);
      if (problem) this.logger.error(problem);
    } catch {
      // Redis went away again; the next 'ready' checks again.
    }
  }
}

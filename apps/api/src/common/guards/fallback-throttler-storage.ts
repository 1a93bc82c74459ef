import { type OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { redisConnectionFromUrl, redisDisplayUrl } from '@relay/queue';
import Redis from 'ioredis';

/** Longest wait for Redis' answer to one count, ms; past it the request is counted in memory. */
export const THROTTLER_REDIS_TIMEOUT_MS = 250;
/** After a failed Redis count, counts stay in memory this long before Redis is tried again, ms. */
export const THROTTLER_REDIS_RETRY_AFTER_MS = 1000;

/** One count's outcome (the library does not export its `ThrottlerStorageRecord` from its root). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Where {@link FallbackThrottlerStorage} reports switching; Nest's `Logger` fits. */
export interface FallbackLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** Options of {@link FallbackThrottlerStorage}. */
export interface FallbackThrottlerStorageOptions {
  logger: FallbackLogger;
  /** Default {@link THROTTLER_REDIS_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Default {@link THROTTLER_REDIS_RETRY_AFTER_MS}. */
  retryAfterMs?: number;
  /** Closes what `shared` holds (its Redis connection), on module destroy. */
  close?: () => Promise<void>;
  now?: () => number;
}

/**
 * Rate-limit counts shared by every API process through `shared` (Redis), or, while it does not answer
 * within `timeoutMs`, counted in this process's memory by `local` (each process then allows up to the
 * limit on its own). Never rejects because of `shared`: a request is never refused or held because Redis
 * is away. Logs one line when it falls back and one when Redis counts again.
 */
export class FallbackThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;
  /** While in memory: when Redis may be tried again (ms since epoch); null while Redis counts. */
  private retryAt: number | null = null;

  constructor(
    private readonly shared: ThrottlerStorage,
    private readonly local: ThrottlerStorage,
    private readonly options: FallbackThrottlerStorageOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? THROTTLER_REDIS_TIMEOUT_MS;
    this.retryAfterMs = options.retryAfterMs ?? THROTTLER_REDIS_RETRY_AFTER_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Counts on the Redis at `url` (ioredis through {@link redisConnectionFromUrl} with `failFast`, so a
   * command sent while Redis is away fails at once) and falls back to the library's in-memory storage.
   */
  static connect(url: string, logger: FallbackLogger): FallbackThrottlerStorage {
    const client = new Redis({
      ...redisConnectionFromUrl(url, { failFast: true }),
      connectTimeout: 2000,
      commandTimeout: THROTTLER_REDIS_TIMEOUT_MS,
    });
    // Connection errors show as failed counts (logged once by the fallback); ioredis needs a listener.
    client.on('error', () => undefined);
    const display = redisDisplayUrl(url);
    return new FallbackThrottlerStorage(
      new ThrottlerStorageRedisService(client),
      new ThrottlerStorageService(),
      {
        logger: {
          log: (m) => logger.log(`${m} (${display})`),
          warn: (m) => logger.warn(`${m} (${display})`),
        },
        close: async () => {
          await client.quit().catch(() => client.disconnect());
        },
      },
    );
  }

  /** Whether counts currently go to memory only. */
  get fallenBack(): boolean {
    return this.retryAt !== null;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.retryAt !== null && this.now() < this.retryAt)
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const record = await this.withTimeout(
        this.shared.increment(key, ttl, limit, blockDuration, throttlerName),
      );
      if (this.retryAt !== null) {
        this.retryAt = null;
        this.options.logger.log('Rate limits are shared through Redis again');
      }
      return record;
    } catch (error) {
      if (this.retryAt === null) {
        const reason = error instanceof Error ? error.message : String(error);
        this.options.logger.warn(
          `Rate limits counted in this API process only until Redis answers again: ${reason}`,
        );
      }
      this.retryAt = this.now() + this.retryAfterMs;
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.options.close?.();
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

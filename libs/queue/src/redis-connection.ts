/** ioredis options this project connects to Redis with (a subset of ioredis `RedisOptions`). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
  /** null: a command waits for the reconnection instead of failing after N retries. */
  maxRetriesPerRequest: number | null;
  /** false: a command sent while disconnected fails at once instead of waiting in ioredis' offline queue. */
  enableOfflineQueue: boolean;
  /** Pause before reconnection attempt `times` (1, 2, …), ms. */
  retryStrategy: (times: number) => number;
}

/** Longest pause between two reconnection attempts, ms. */
export const REDIS_RECONNECT_MAX_DELAY_MS = 1000;

/**
 * Pause before the `times`-th reconnection attempt: 250 ms, 750 ms, then every
 * {@link REDIS_RECONNECT_MAX_DELAY_MS}, so the queues resume within about a second of Redis' return.
 * BullMQ's own default grows to 20 s: after a Redis away for half a minute, queues would stay idle for up
 * to 20 s more.
 *
 * @param times 1 for the first attempt after the connection was lost
 * @returns delay in ms
 */
export function redisReconnectDelayMs(times: number): number {
  return Math.min(REDIS_RECONNECT_MAX_DELAY_MS, 250 + 500 * Math.max(0, times - 1));
}

/**
 * ioredis connection options from a `redis://[user:password@]host[:port][/db]` or `rediss://` URL
 * (IANA "redis" URI scheme), for BullMQ's `connection`. Reconnects forever, every
 * {@link redisReconnectDelayMs}.
 *
 * - default (workers, and producers that may wait, as the relay's): commands wait for the reconnection
 *   (`maxRetriesPerRequest: null`, offline queue on), which BullMQ workers need ("Going to production",
 *   docs.bullmq.io);
 * - `failFast: true` (producers answering HTTP requests): a command sent while Redis is away fails at once
 *   and one sent before a connection drops fails after one retry, so a request never waits for Redis
 *   (BullMQ pattern "Failing fast when Redis is down").
 *
 * @throws TypeError when the URL cannot be parsed.
 */
export function redisConnectionFromUrl(
  url: string,
  options: { failFast?: boolean } = {},
): RedisConnectionOptions {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace(/^\//, '') || '0');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    retryStrategy: redisReconnectDelayMs,
  };
}

/** `redis://host:port/db` of a Redis URL without user name and password, for logs and error messages. */
export function redisDisplayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/** The part of an ioredis client {@link closeRedisConnection} uses. */
export interface ClosableRedis {
  readonly status: string;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Closes an ioredis connection for good: QUIT when it is ready (pending replies arrive first), falling back
 * to a plain disconnect when QUIT fails; a disconnect at once in any other state (connecting, reconnecting),
 * which also stops reconnecting. Never throws.
 */
export async function closeRedisConnection(client: ClosableRedis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

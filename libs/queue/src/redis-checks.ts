import Redis from 'ioredis';
import { redisConnectionFromUrl, redisDisplayUrl } from './redis-connection';

/** The only `maxmemory-policy` BullMQ works with ("Going to production", docs.bullmq.io). */
export const REQUIRED_EVICTION_POLICY = 'noeviction';

/** Why {@link assertRedisFitForQueues} refused to start. */
export type RedisStartupProblem =
  /** `maxmemory-policy` is not `noeviction`. */
  | 'eviction-policy'
  /** Redis did not answer within the start-up timeout. */
  | 'unreachable'
  /** Neither `INFO memory` nor `CONFIG GET` told the policy. */
  | 'policy-unknown';

/** Thrown by {@link assertRedisFitForQueues}; the message says what is wrong and how to fix it. */
export class RedisStartupError extends Error {
  override readonly name = 'RedisStartupError';

  constructor(
    readonly problem: RedisStartupProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where {@link assertRedisFitForQueues} reports that it waits; Nest's `Logger` fits. */
export interface RedisCheckLogger {
  warn(message: string): void;
}

/**
 * Value of `field` in the text of Redis `INFO` (`field:value` lines, `#` section headers), or undefined.
 *
 * @example infoField('# Memory\r\nmaxmemory_policy:noeviction\r\n', 'maxmemory_policy') // 'noeviction'
 */
export function infoField(info: string, field: string): string | undefined {
  for (const line of info.split(/\r?\n/)) {
    if (line.startsWith(`${field}:`)) return line.slice(field.length + 1).trim();
  }
  return undefined;
}

/**
 * Why a Redis with this `maxmemory-policy` must not be used for the queues, or null when it is
 * `noeviction`. With any other policy Redis deletes keys when it reaches `maxmemory`: a job, its lock or a
 * queue's bookkeeping can vanish, so a start or stop is lost or runs twice.
 *
 * @param displayUrl the Redis URL without credentials, to name the server in the message.
 */
export function evictionPolicyProblem(policy: string, displayUrl: string): string | null {
  if (policy === REQUIRED_EVICTION_POLICY) return null;
  return (
    `Redis at ${displayUrl} has maxmemory-policy "${policy}"; Restream Relay requires "${REQUIRED_EVICTION_POLICY}". ` +
    'BullMQ keeps jobs and their locks in Redis keys, and a Redis that evicts keys loses jobs ' +
    '(a start or stop never reaches the relay) or runs them twice. ' +
    `Set "maxmemory-policy ${REQUIRED_EVICTION_POLICY}" in redis.conf ` +
    `(or run CONFIG SET maxmemory-policy ${REQUIRED_EVICTION_POLICY}) and start again.`
  );
}

/**
 * Start-up check of the Redis the queues use: waits up to `timeoutMs` for Redis to answer, then reads its
 * `maxmemory-policy` (`INFO memory`, else `CONFIG GET`) and refuses anything but `noeviction`.
 *
 * @param url REDIS_URL (`redis://` or `rediss://`).
 * @param options.timeoutMs longest wait for Redis to answer, ms; default 30 000.
 * @param options.logger told once when Redis does not answer at first.
 * @throws RedisStartupError `eviction-policy` with a message saying why and how to fix it; `unreachable`
 *   when Redis did not answer in time (message names the server and the last connection error);
 *   `policy-unknown` when the server did not say.
 */
export async function assertRedisFitForQueues(
  url: string,
  options: { timeoutMs?: number; logger?: RedisCheckLogger } = {},
): Promise<void> {
  const displayUrl = redisDisplayUrl(url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = new Redis({ ...redisConnectionFromUrl(url), lazyConnect: true, connectTimeout: 5000 });
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    if (!lastError) options.logger?.warn(`Waiting for Redis at ${displayUrl}: ${error.message}`);
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = lastError ? `: ${lastError.message}` : '';
      reject(
        new RedisStartupError(
          'unreachable',
          `Redis at ${displayUrl} did not answer within ${timeoutMs} ms${why}. Start Redis or fix REDIS_URL.`,
          { cause: lastError },
        ),
      );
    }, timeoutMs);
  });
  try {
    const policy = await Promise.race([readEvictionPolicy(client), deadline]);
    if (policy === undefined) {
      throw new RedisStartupError(
        'policy-unknown',
        `Redis at ${displayUrl} does not report its maxmemory-policy (INFO memory, CONFIG GET); ` +
          `Restream Relay requires "${REQUIRED_EVICTION_POLICY}".`,
      );
    }
    const problem = evictionPolicyProblem(policy, displayUrl);
    if (problem) throw new RedisStartupError('eviction-policy', problem);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** The server's maxmemory-policy, or undefined if it does not tell. */
export async function readEvictionPolicy(client: Redis): Promise<string | undefined> {
  const fromInfo = infoField(await client.info('memory'), 'maxmemory_policy');
  if (fromInfo) return fromInfo;
  // Some managed Redis hide fields of INFO; CONFIG may be renamed away too, hence the catch.
  const pair = (await client.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
  return pair[1];
}

import type { JobsOptions } from 'bullmq';

/** Longest wait for Redis to accept a job, ms, before {@link addJobWithin} gives up. */
export const JOB_ADD_TIMEOUT_MS = 3000;

/**
 * Options of every event-pipeline job. A job that fails (e.g. the relay's database is away) is retried
 * after 0.5, 1, 2 … 128 s: about 4 minutes in all, so a PostgreSQL restart does not lose a start or stop.
 * Jobs of this queue are idempotent (start, stop, sync, rehearse read the desired state from PostgreSQL).
 */
export const EVENT_PIPELINE_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: 1000,
  removeOnFail: 1000,
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
};

/** Redis did not take a job: it is away, or it did not answer within the time allowed. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';

  constructor(
    readonly queueName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The part of a BullMQ `Queue` that {@link addJobWithin} uses. */
export interface JobQueue<Data, Name extends string> {
  readonly name: string;
  add(name: Name, data: Data, opts?: JobsOptions): Promise<unknown>;
}

// ioredis' words for "not connected" (enableOfflineQueue: false, maxRetriesPerRequest reached, closed).
const CONNECTION_ERRORS =
  /Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH/i;

/** Whether `error` says Redis cannot be reached (as opposed to a bug or a refused command). */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || CONNECTION_ERRORS.test(error.message);
}

/**
 * `queue.add(name, data, opts)`, bounded in time: an HTTP request must never wait for Redis to come back.
 * Use with a fail-fast connection (`redisConnectionFromUrl(url, { failFast: true })`), so a job is not
 * left in ioredis' offline queue to be added after the caller was told it failed.
 *
 * @param timeoutMs longest wait, ms; default {@link JOB_ADD_TIMEOUT_MS}.
 * @throws QueueUnavailableError when Redis is away or does not answer within `timeoutMs`; other errors of
 *   `add` unchanged.
 */
export async function addJobWithin<Data, Name extends string>(
  queue: JobQueue<Data, Name>,
  name: Name,
  data: Data,
  opts: JobsOptions,
  timeoutMs = JOB_ADD_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const adding = queue.add(name, data, opts);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new QueueUnavailableError(queue.name, `Redis did not take job "${name}" within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  // A late failure of an add that already timed out has nobody left to tell.
  adding.catch(() => undefined);
  try {
    await Promise.race([adding, timeout]);
  } catch (error) {
    if (error instanceof QueueUnavailableError) throw error;
    if (isRedisConnectionError(error)) {
      throw new QueueUnavailableError(
        queue.name,
        `Redis refused job "${name}": ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

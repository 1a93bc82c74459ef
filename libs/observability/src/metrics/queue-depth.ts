import { Gauge, type Registry } from 'prom-client';

/** Name of the queue depth gauge: jobs per BullMQ queue and state. */
export const QUEUE_JOBS = 'bullmq_queue_jobs';

/** Job states reported per queue (BullMQ 5 `Queue.getJobCounts` types); completed ones are left out. */
export const QUEUE_JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

/** A BullMQ queue as the gauge reads it (`Queue` satisfies it). */
export interface JobCountsSource {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** Options of {@link registerQueueDepthGauge}. */
export interface QueueDepthOptions {
  /** Longest a scrape waits for one queue's counts (ms); a queue that does not answer is left out. Default 1000. */
  readonly timeoutMs?: number;
}

/**
 * Registers {@link QUEUE_JOBS} (labels `queue`, `state` ∈ {@link QUEUE_JOB_STATES}) in `registry`, read
 * from Redis at scrape time. While Redis is away a queue's series are absent rather than stale, and the
 * scrape is not held longer than `timeoutMs`.
 */
export function registerQueueDepthGauge(
  registry: Registry,
  queues: () => readonly JobCountsSource[],
  options: QueueDepthOptions = {},
): Gauge<'queue' | 'state'> {
  const timeoutMs = options.timeoutMs ?? 1000;
  return new Gauge({
    name: QUEUE_JOBS,
    help: 'Jobs in each BullMQ queue by state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const results = await Promise.all(
        queues().map(async (queue) => ({
          queue: queue.name,
          counts: await withTimeout(queue.getJobCounts(...QUEUE_JOB_STATES), timeoutMs).catch(() => null),
        })),
      );
      for (const { queue, counts } of results) {
        if (!counts) continue;
        for (const state of QUEUE_JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
      }
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnvironmentVariables } from '@relay/config';
import type { WebhookDeliveryPayload } from '@relay/queue';
import type { JobsOptions, Queue } from 'bullmq';
import { EventWriteQueue, type EventWritesService } from '../relay/event-writes.service';
import { WebhookEventsService } from './webhook-events.service';
import type { WebhookDeliveriesRepository } from './webhooks.repository';

const config = { WEBHOOK_RETRY_BASE_DELAY_MS: 1000 } as EnvironmentVariables;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const limits = {
  maxQueued: 10,
  maxQueuedPerEvent: 10,
  maxAgeMs: 1000,
  retryMinDelayMs: 10,
  retryMaxDelayMs: 10,
};

/** Rows and queue in memory (PostgreSQL and Redis are covered by test/e2e/webhooks.e2e.ts). */
function serviceWith(add: (opts: JobsOptions) => Promise<unknown>, ids: string[] = ['d1', 'd2']) {
  const jobs: JobsOptions[] = [];
  const queue = {
    name: 'webhook-delivery',
    add: (_n: string, _d: WebhookDeliveryPayload, opts: JobsOptions) => {
      jobs.push(opts);
      return add(opts);
    },
  } as unknown as Queue<WebhookDeliveryPayload>;
  const repository = {
    createDeliveries: () => Promise.resolve(ids),
    strandedDeliveries: () => Promise.resolve(ids),
    pruneBefore: () => Promise.resolve(0),
  } as unknown as WebhookDeliveriesRepository;
  const writes: EventWritesService = new EventWriteQueue(limits, quiet);
  return { service: new WebhookEventsService(repository, writes, config, queue), jobs, writes };
}

describe('WebhookEventsService', () => {
  it('queues one job per delivery, its id the delivery id, with 8 attempts and exponential backoff', async () => {
    const { service, jobs, writes } = serviceWith(() => Promise.resolve());
    service.emit('event', 'event.failover', { from: 'primary', to: 'backup' });
    await writes.drain(1000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      jobs.map((j) => [j.jobId, j.attempts, j.backoff]),
      [
        ['d1', 8, { type: 'exponential', delay: 1000 }],
        ['d2', 8, { type: 'exponential', delay: 1000 }],
      ],
    );
  });

  it('does not hold the event write queue when Redis refuses, and a sweep queues the deliveries again', async () => {
    let redisUp = false;
    const { service, jobs, writes } = serviceWith(() =>
      redisUp ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    );
    service.emit('event', 'event.live');
    await writes.drain(1000);
    assert.equal(writes.size, 0);
    redisUp = true;
    assert.equal(await service.sweepStranded(), 2);
    assert.deepEqual(
      jobs.slice(-2).map((j) => j.jobId),
      ['d1', 'd2'],
    );
  });
});

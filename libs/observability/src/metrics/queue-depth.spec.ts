import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { registerQueueDepthGauge, type JobCountsSource } from './queue-depth';

const queue = (name: string, counts: () => Promise<Record<string, number>>): JobCountsSource => ({
  name,
  getJobCounts: counts,
});

describe('queue depth gauge', () => {
  it('reads each queue at scrape time, by state', async () => {
    const registry = new Registry();
    let waiting = 3;
    registerQueueDepthGauge(registry, () => [
      queue('event-pipeline', () =>
        Promise.resolve({ waiting, active: 1, delayed: 0, failed: 2, prioritized: 0 }),
      ),
    ]);
    assert.match(await registry.metrics(), /bullmq_queue_jobs\{queue="event-pipeline",state="waiting"\} 3/);
    waiting = 0;
    const text = await registry.metrics();
    assert.match(text, /bullmq_queue_jobs\{queue="event-pipeline",state="waiting"\} 0/);
    assert.match(text, /bullmq_queue_jobs\{queue="event-pipeline",state="failed"\} 2/);
  });

  it('leaves out a queue that does not answer in time, and keeps the others', async () => {
    const registry = new Registry();
    registerQueueDepthGauge(
      registry,
      () => [
        queue('stuck', () => new Promise(() => undefined)),
        queue('broken', () => Promise.reject(new Error('Connection is closed'))),
        queue('leg-supervisor', () => Promise.resolve({ delayed: 4 })),
      ],
      { timeoutMs: 50 },
    );
    const text = await registry.metrics();
    assert.doesNotMatch(text, /queue="stuck"|queue="broken"/);
    assert.match(text, /bullmq_queue_jobs\{queue="leg-supervisor",state="delayed"\} 4/);
    assert.match(text, /bullmq_queue_jobs\{queue="leg-supervisor",state="active"\} 0/);
  });
});

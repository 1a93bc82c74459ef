import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnvironmentVariables } from '@relay/config';
import { DEFAULT_LEG_POLICY, type LegFailure } from '@relay/media';
import type { LegRestartPayload } from '@relay/queue';
import type { Queue } from 'bullmq';
import type { EventStateRepository } from './event-state.repository';
import type { EventWritesService } from './event-writes.service';
import { PipelineEventsListener } from './pipeline-events.listener';

const failure: LegFailure = { kind: 'closed-by-peer', message: 'destination closed the connection' };
const config = { LEG_RESTART_MIN_DELAY_MS: 100, LEG_RESTART_MAX_DELAY_MS: 1000 } as EnvironmentVariables;
const writes = { enqueue: () => undefined } as unknown as EventWritesService;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A listener whose leg-supervisor queue answers `add` with `add()`; records the local restarts. */
function listenerWith(add: () => Promise<unknown>) {
  const queue = { name: 'leg-supervisor', add } as unknown as Queue<LegRestartPayload>;
  const listener = new PipelineEventsListener({} as EventStateRepository, writes, config, queue);
  const local: Array<{ legRun: number; at: number }> = [];
  listener.onLocalLegRestart((_e, _d, legRun) => local.push({ legRun, at: Date.now() }));
  return { listener, local };
}

describe('PipelineEventsListener leg restarts', () => {
  it('restarts from a local timer when Redis refuses the job', async () => {
    const { listener, local } = listenerWith(() =>
      Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    );
    const failedAt = Date.now();
    listener.legExited('event', 'dest', 7, 1, failure, DEFAULT_LEG_POLICY);
    await wait(300);
    assert.deepEqual(
      local.map((l) => l.legRun),
      [7],
    );
    assert.ok(local[0]!.at - failedAt <= 150, 'after the backoff delay (≤ 100 ms for a first failure)');
  });

  it('restarts from a local timer when Redis does not answer within 1 s', async () => {
    const { listener, local } = listenerWith(() => new Promise(() => undefined));
    listener.legExited('event', 'dest', 3, 1, failure, DEFAULT_LEG_POLICY);
    await wait(700);
    assert.equal(local.length, 0, 'still waiting for Redis');
    await wait(600);
    assert.deepEqual(
      local.map((l) => l.legRun),
      [3],
    );
  });

  it('caps the delay with the destination policy', async () => {
    const added: Array<{ delay?: number }> = [];
    const queue = {
      name: 'leg-supervisor',
      add: (_n: string, _d: unknown, opts: { delay?: number }) => {
        added.push(opts);
        return Promise.resolve();
      },
    } as unknown as Queue<LegRestartPayload>;
    const listener = new PipelineEventsListener(
      {} as EventStateRepository,
      writes,
      { LEG_RESTART_MIN_DELAY_MS: 500, LEG_RESTART_MAX_DELAY_MS: 30_000 } as EnvironmentVariables,
      queue,
    );
    listener.legExited('event', 'dest', 1, 30, failure, { ...DEFAULT_LEG_POLICY, maxBackoffMs: 2000 });
    await wait(10);
    assert.ok(added[0]!.delay! >= 1000 && added[0]!.delay! <= 2000, `delay ${added[0]!.delay} ms`);
  });
});

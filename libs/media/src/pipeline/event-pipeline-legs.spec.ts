import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { LegFailure } from '../legs/leg-failure';
import type { LegPolicy } from '../legs/leg-policy';
import { scriptedLegs } from '../testing/scripted-leg';
import { synthetic } from '../testing/synthetic-tags';
import { EventPipeline } from './event-pipeline';
import type { LegSpec, PipelineListener } from './pipeline-types';

const refused: LegFailure = { kind: 'auth-refused', message: 'destination refused the stream key' };
const policy: LegPolicy = { maxBackoffMs: 5000, giveUpAfterFailures: 3, giveUpWindowMs: 60_000 };

let pipelines: EventPipeline[] = [];
afterEach(async () => {
  for (const p of pipelines) await p.dispose();
  pipelines = [];
});

/** A pipeline on air (one keyframe in) with one scripted leg per spec; records what the listener hears. */
function onAirPipeline(specs: LegSpec[]) {
  const heard = {
    exited: [] as Array<{ id: string; run: number; attempt: number; maxBackoffMs: number }>,
    gaveUp: [] as Array<{ id: string; run: number; failures: number; message: string }>,
  };
  const listener: PipelineListener = {
    inputStateChanged: () => undefined,
    switched: () => undefined,
    programInterrupted: () => undefined,
    flapDampingChanged: () => undefined,
    programLive: () => undefined,
    inputMediaChanged: () => undefined,
    legStateChanged: () => undefined,
    legExited: (_e, id, run, attempt, _f, p) =>
      heard.exited.push({ id, run, attempt, maxBackoffMs: p.maxBackoffMs }),
    legGaveUp: (_e, id, run, failures, f) => heard.gaveUp.push({ id, run, failures, message: f.message }),
  };
  const legs = scriptedLegs();
  const pipeline = new EventPipeline(
    'event-1',
    { mode: 'primary-preferred', stallTimeoutMs: 60_000, failbackAfterMs: 1000 },
    listener,
    legs.factory,
  );
  pipelines.push(pipeline);
  const sink = pipeline.openInput('primary');
  sink.onMedia(synthetic.videoConfig(1));
  sink.onMedia(synthetic.keyframe(1, 0));
  pipeline.start(specs);
  return { pipeline, heard, legs, latest: (id: string) => legs.latest(id) };
}

const spec = (id: string, p?: LegPolicy): LegSpec => ({
  destinationId: id,
  publishUrl: `rtmp://example.invalid/app/${id}`,
  streamKey: id,
  ...(p ? { policy: p } : {}),
});

describe('EventPipeline leg supervision', () => {
  it("gives up at the policy's n-th failure within the window, and a retry by hand starts over", () => {
    const { pipeline, heard, legs, latest } = onAirPipeline([spec('refusing', policy), spec('good')]);
    assert.equal(pipeline.isLive, true);
    for (let run = 1; run <= 2; run++) {
      latest('refusing').fail(refused);
      assert.equal(pipeline.restartLeg('refusing', run), true, `run ${run} restarted`);
    }
    latest('refusing').fail(refused);
    assert.deepEqual(
      heard.exited.map((e) => [e.run, e.attempt, e.maxBackoffMs]),
      [
        [1, 1, 5000],
        [2, 2, 5000],
      ],
    );
    assert.deepEqual(heard.gaveUp, [{ id: 'refusing', run: 3, failures: 3, message: refused.message }]);
    assert.equal(pipeline.restartLeg('refusing', 3), false, 'nothing restarts a leg that gave up');

    assert.equal(pipeline.retryLeg('refusing'), 'restarted');
    assert.equal(latest('refusing').state, 'live');
    assert.equal(pipeline.legStatuses().find((l) => l.destinationId === 'refusing')?.run, 4);
    latest('refusing').fail(refused);
    assert.equal(heard.exited.at(-1)?.attempt, 1, 'backoff starts from the first delay again');
    assert.equal(heard.gaveUp.length, 1, 'the give-up window was cleared');
    assert.equal(legs.of('good').length, 1, 'the other leg was never touched');
  });

  it('ignores a stale restart: a run restarts at most once', () => {
    const { pipeline, latest } = onAirPipeline([spec('a')]);
    latest('a').fail(refused);
    assert.equal(pipeline.restartLeg('a', 1), true);
    assert.equal(
      pipeline.restartLeg('a', 1),
      false,
      'the local timer after the queued job finds the run stale',
    );
  });

  it('uses the default policy (10 failures) when the destination sets none', () => {
    const { pipeline, heard, latest } = onAirPipeline([spec('a')]);
    for (let run = 1; run <= 10; run++) {
      latest('a').fail(refused);
      pipeline.restartLeg('a', run);
    }
    assert.equal(heard.exited.length, 9);
    assert.equal(heard.gaveUp[0]?.failures, 10);
  });

  it('forgets the failures of a running leg on retry, and refuses when not on air', async () => {
    const { pipeline, heard, latest } = onAirPipeline([spec('a', policy)]);
    latest('a').fail(refused);
    pipeline.restartLeg('a', 1);
    latest('a').fail(refused);
    pipeline.restartLeg('a', 2);
    assert.equal(pipeline.retryLeg('a'), 'reset', 'a live leg is left running');
    latest('a').fail(refused);
    assert.equal(heard.gaveUp.length, 0, 'two failures were forgotten');
    assert.equal(pipeline.retryLeg('unknown'), 'not-on-air');
    await pipeline.stop();
    assert.equal(pipeline.retryLeg('a'), 'not-on-air');
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InputRole, PublishSink } from '../ingest/ingest-types';
import { scriptedLegs } from '../testing/scripted-leg';
import { synthetic } from '../testing/synthetic-tags';
import { EventPipeline } from './event-pipeline';
import type { PipelineListener } from './pipeline-types';
import { RehearsalRefused, RehearsalRun, type RehearsalReport } from './rehearsal-run';

const quiet: PipelineListener = {
  inputStateChanged: () => undefined,
  switched: () => undefined,
  programInterrupted: () => undefined,
  flapDampingChanged: () => undefined,
  programLive: () => undefined,
  inputMediaChanged: () => undefined,
  legStateChanged: () => undefined,
  legExited: () => undefined,
  legGaveUp: () => undefined,
};

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

/** A started pipeline with one leg and two synthetic 30 fps encoders sending in real time. */
function livePipeline(failbackAfterMs: number) {
  const pipeline = new EventPipeline(
    'event-1',
    { mode: 'primary-preferred', stallTimeoutMs: 500, failbackAfterMs },
    quiet,
    scriptedLegs().factory, // legs that never disconnect, so only the switcher is under test
  );
  const sinks: Partial<Record<InputRole, PublishSink>> = {};
  const ts: Record<InputRole, number> = { primary: 0, backup: 70_000 };
  let frame = 0;
  for (const [role, marker] of [
    ['primary', 1],
    ['backup', 2],
  ] as const) {
    const sink = pipeline.openInput(role);
    sink.onMedia(synthetic.videoConfig(marker));
    sink.onMedia(synthetic.audioConfig(marker));
    sinks[role] = sink;
  }
  const timer = setInterval(() => {
    const key = frame++ % 15 === 0;
    for (const [role, marker] of [
      ['primary', 1],
      ['backup', 2],
    ] as const) {
      ts[role] += 33;
      sinks[role]?.onMedia((key ? synthetic.keyframe : synthetic.interframe)(marker, ts[role]));
    }
  }, 33);
  cleanups.push(async () => {
    clearInterval(timer);
    await pipeline.dispose();
  });
  pipeline.start([
    { destinationId: 'dest-1', publishUrl: 'rtmp://example.invalid/app/key', streamKey: 'key' },
  ]);
  return {
    pipeline,
    endInput: (role: InputRole) => sinks[role]?.onEnd('disconnected'),
    stopInput: (role: InputRole) => delete sinks[role],
  };
}

function rehearse(pipeline: EventPipeline, durationMs: number): Promise<RehearsalReport> {
  return new Promise((resolve) => {
    new RehearsalRun(pipeline, { durationMs, expectFailback: true, failbackWaitMs: 3000 }, resolve).start();
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RehearsalRun', () => {
  it('passes when the backup takes over at once and every leg stays connected, then fails back', async () => {
    const { pipeline } = livePipeline(200);
    await wait(700);
    assert.equal(pipeline.switcher.activeInput, 'primary');
    const report = await rehearse(pipeline, 1000);
    assert.equal(report.status, 'completed');
    assert.equal(report.verdict, 'pass', report.reasons.join('; '));
    assert.ok(report.detectionMs !== null && report.detectionMs <= 50, `detection ${report.detectionMs} ms`);
    assert.ok(report.switchGapMs !== null && report.switchGapMs <= 40, `switch gap ${report.switchGapMs} ms`);
    assert.ok(
      report.failbackGapMs !== null && report.failbackGapMs <= 40,
      `failback gap ${report.failbackGapMs} ms`,
    );
    assert.equal(report.legReconnects, 0);
    assert.equal(report.legs.length, 1);
    assert.ok(report.legs[0]!.stayedConnected && report.legs[0]!.bytesDuringSwitch > 0);
    assert.equal(pipeline.switcher.activeInput, 'primary');
  });

  it('aborts at once and brings the primary back when the backup really fails', async () => {
    const { pipeline, endInput } = livePipeline(200);
    await wait(700);
    const done = rehearse(pipeline, 10_000);
    await wait(1500);
    assert.equal(pipeline.switcher.activeInput, 'backup');
    endInput('backup');
    const report = await done;
    assert.equal(report.status, 'aborted');
    assert.equal(report.verdict, 'fail');
    assert.match(report.reasons[0]!, /backup was lost/);
    await wait(300);
    assert.equal(pipeline.switcher.activeInput, 'primary');
  });

  it('refuses to start when the backup is not live, saying what to do', async () => {
    const { pipeline, endInput } = livePipeline(200);
    await wait(700);
    endInput('backup');
    assert.throws(
      () =>
        new RehearsalRun(
          pipeline,
          { durationMs: 1000, expectFailback: true, failbackWaitMs: 1000 },
          () => undefined,
        ).start(),
      (e: unknown) => e instanceof RehearsalRefused && /connect the backup encoder/.test(e.message),
    );
  });
});

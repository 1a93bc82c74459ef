import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PublishSink } from '../ingest/ingest-types';
import { SlateClipCache } from '../slate/slate-clip-cache';
import { SLATE_MARKER, syntheticSlateClip } from '../slate/testing/synthetic-slate-clip';
import { scriptedLegs } from '../testing/scripted-leg';
import { synthetic } from '../testing/synthetic-tags';
import { EventPipeline } from './event-pipeline';
import type { PipelineListener } from './pipeline-types';
import type { SlateEnd, SlateStart } from './program-slate';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A started pipeline with a synthetic slate clip, one recording leg and a 30 fps primary in real time. */
async function livePipeline(slateTimeoutMs: number) {
  const slate = { started: [] as SlateStart[], ended: [] as SlateEnd[] };
  const listener: PipelineListener = {
    inputStateChanged: () => undefined,
    switched: () => undefined,
    programInterrupted: () => undefined,
    flapDampingChanged: () => undefined,
    programLive: () => undefined,
    inputMediaChanged: () => undefined,
    legStateChanged: () => undefined,
    legExited: () => undefined,
    legGaveUp: () => undefined,
    slateStarted: (_id, s) => slate.started.push(s),
    slateEnded: (_id, e) => slate.ended.push(e),
  };
  const scripted = scriptedLegs();
  const clips = new SlateClipCache((params) => Promise.resolve(syntheticSlateClip(params)));
  const pipeline = new EventPipeline(
    'event-1',
    { mode: 'primary-preferred', stallTimeoutMs: 500, failbackAfterMs: 1000, slateTimeoutMs },
    listener,
    scripted.factory,
    clips,
  );
  let sink: PublishSink | null = pipeline.openInput('primary');
  sink.onMedia(synthetic.videoConfig(1));
  sink.onMedia(synthetic.audioConfig(1));
  let ts = 0;
  let frame = 0;
  const timer = setInterval(() => {
    ts += 33;
    sink?.onMedia((frame++ % 15 === 0 ? synthetic.keyframe : synthetic.interframe)(1, ts));
  }, 33);
  cleanups.push(async () => {
    clearInterval(timer);
    await pipeline.dispose();
  });
  pipeline.start([
    { destinationId: 'dest-1', publishUrl: 'rtmp://example.invalid/app/key', streamKey: 'key' },
  ]);
  await wait(600);
  return {
    pipeline,
    legs: scripted.created,
    slate,
    drop: () => {
      sink?.onEnd('disconnected');
      sink = null;
    },
  };
}

describe('EventPipeline slate', () => {
  it('keeps the legs on the slate while no input is on air, then closes them at the timeout', async () => {
    const { pipeline, legs, slate, drop } = await livePipeline(800);
    assert.equal(legs.length, 1);
    drop();
    await wait(400);
    assert.ok(pipeline.slateOnAir, 'the slate is on air');
    assert.equal(slate.started.length, 1);
    const slateTags = legs[0]!.tags.filter((t) => t.data[t.data.length - 1] === SLATE_MARKER);
    assert.ok(slateTags.length > 10, `${slateTags.length} slate tags reached the leg`);
    await wait(600);
    assert.equal(legs[0]!.stops, 1, 'the leg was closed');
    assert.equal(legs.length, 1, 'and not restarted');
    assert.equal(pipeline.isStarted, false);
    assert.deepEqual(
      slate.ended.map((e) => [e.cause, e.legsClosed]),
      [['timeout', true]],
    );
  });

  it('has no slate with slateTimeoutMs 0: the legs stay connected and get nothing', async () => {
    const { pipeline, legs, slate, drop } = await livePipeline(0);
    drop();
    await wait(300);
    assert.equal(pipeline.slateOnAir, null);
    assert.deepEqual([slate.started.length, legs[0]!.stops], [0, 0]);
  });
});

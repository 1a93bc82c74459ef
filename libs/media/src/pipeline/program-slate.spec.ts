import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputRole, PublishSink } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import { isVideoKeyframe, isVideoSequenceHeader, type FlvTag } from '../protocols/flv/flv-tag';
import type { SlateClip } from '../slate/slate-clip';
import { SlateClipCache } from '../slate/slate-clip-cache';
import { FakeSlateScheduler } from '../slate/testing/fake-slate-scheduler';
import { SLATE_MARKER, syntheticSlateClip } from '../slate/testing/synthetic-slate-clip';
import { FailoverSwitcher } from '../switcher/failover-switcher';
import { ProgramOutput } from '../switcher/program-output';
import type { SwitchDecision } from '../switcher/switcher-types';
import { synthetic } from '../testing/synthetic-tags';
import { ProgramSlate, type SlateEnd, type SlateStart } from './program-slate';

const FRAME_MS = 33;
/** One frame interval plus the synthetic encoders' A/V skew (10 ms): the largest step at a switch. */
const MAX_SWITCH_GAP_MS = FRAME_MS + 10;
const WALL = 1_700_000_000_000;
const markerOf = (tag: FlvTag): number => tag.data[tag.data.length - 1]!;
const isMedia = (t: FlvTag): boolean => t.data[1] === 1;

/**
 * A switcher and a slate on one fake clock, wired as EventPipeline wires them, with two synthetic
 * encoders (markers 1 and 2) and a synthetic slate clip (SLATE_MARKER) that is ready at once unless
 * `clipDelayMs` says how long its "encode" takes.
 */
function harness(slateTimeoutMs: number, options: { clipDelayMs?: number; clipFails?: boolean } = {}) {
  const scheduler = new FakeSlateScheduler();
  const wall = (): number => WALL + scheduler.time;
  const program = new ProgramOutput();
  const out: FlvTag[] = [];
  program.attach({ write: (p) => out.push(p.tag) });
  const started: SlateStart[] = [];
  const ended: SlateEnd[] = [];
  const switches: SwitchDecision[] = [];
  let legsClosed = 0;
  const encode = (params: SlateClip['params']): Promise<SlateClip> =>
    new Promise((resolve, reject) => {
      scheduler.setTimer(
        () => (options.clipFails ? reject(new Error('ffmpeg failed')) : resolve(syntheticSlateClip(params))),
        options.clipDelayMs ?? 0,
      );
    });
  const clips = new SlateClipCache(encode);
  let slate: ProgramSlate | null = null;
  const switcher = new FailoverSwitcher(
    program,
    { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 5000, slateTimeoutMs },
    {
      inputStateChanged: () => undefined,
      switched: (d) => {
        switches.push(d);
        slate!.inputReturned(d.to);
      },
      programInterrupted: (reason) => slate!.open(reason, slateTimeoutMs),
    },
    wall,
    (role) => ({ bitrateKbps: role === 'primary' ? 2500 : 1500, frameRate: 30 }),
  );
  slate = new ProgramSlate(
    {
      startFiller: (f) => switcher.startFiller(f),
      stopFiller: () => switcher.stopFiller(),
      closeLegs: () => {
        legsClosed++;
        return Promise.resolve();
      },
      started: (s) => started.push(s),
      ended: (e) => ended.push(e),
      deadlineChanged: (s) => started.push(s),
    },
    clips,
    wall,
    scheduler,
  );
  const encoders: Record<InputRole, { sink: PublishSink | null; ts: number; frame: number; marker: number }> =
    {
      primary: { sink: null, ts: 5000, frame: 0, marker: 1 },
      backup: { sink: null, ts: 90_000, frame: 0, marker: 2 },
    };
  return {
    switcher,
    slate,
    out,
    started,
    ended,
    switches,
    scheduler,
    legsClosed: () => legsClosed,
    connect(role: InputRole) {
      const e = encoders[role];
      e.sink = switcher.openSession(role);
      e.frame = 0;
      e.sink.onMedia(synthetic.videoConfig(e.marker, e.ts));
      e.sink.onMedia(synthetic.audioConfig(e.marker, e.ts));
    },
    disconnect(role: InputRole) {
      encoders[role].sink?.onEnd('disconnected');
      encoders[role].sink = null;
    },
    /** Advances the clock by ms; connected encoders send 30 fps video (GOP 30, first frame a keyframe). */
    run(ms: number) {
      for (let t = 0; t < ms; t += FRAME_MS) {
        scheduler.advance(FRAME_MS);
        for (const e of Object.values(encoders)) {
          if (!e.sink) continue;
          e.ts += FRAME_MS;
          const video = e.frame++ % 30 === 0 ? synthetic.keyframe : synthetic.interframe;
          e.sink.onMedia(video(e.marker, e.ts));
          e.sink.onMedia(synthetic.audio(e.marker, e.ts - 10));
        }
        switcher.tick();
      }
    },
    /** Program media tags' markers in order, runs collapsed: e.g. [1, 9, 1]. */
    runs(type: number = FlvTagType.Video): number[] {
      const runs: number[] = [];
      for (const t of out)
        if (t.type === type && isMedia(t) && runs.at(-1) !== markerOf(t)) runs.push(markerOf(t));
      return runs;
    },
  };
}

/** Program media of one type: strictly increasing (video) or non-decreasing (audio) DTS, no hole > max. */
function assertContinuous(tags: FlvTag[], maxGapMs: number): void {
  for (const type of [FlvTagType.Video, FlvTagType.Audio]) {
    const media = tags.filter((t) => t.type === type && isMedia(t));
    for (let i = 1; i < media.length; i++) {
      const delta = media[i]!.timestamp - media[i - 1]!.timestamp;
      if (type === FlvTagType.Video) assert.ok(delta > 0, `video DTS not increasing at ${i}: ${delta} ms`);
      else assert.ok(delta >= 0, `audio DTS went back at ${i}: ${delta} ms`);
      assert.ok(delta <= maxGapMs, `hole of ${delta} ms in type ${type} at ${i}`);
    }
  }
}

/** Both encoders live with the primary on air and the slate clip prepared, as at go-live. */
async function onAir(slateTimeoutMs: number, options: { clipDelayMs?: number; clipFails?: boolean } = {}) {
  const h = harness(slateTimeoutMs, options);
  h.connect('primary');
  h.connect('backup');
  h.run(1000);
  h.slate.prepare(null);
  await settle(h);
  return h;
}

/** Lets resolved clip promises run (the fake clock does not run microtasks). */
async function settle(h: ReturnType<typeof harness>): Promise<void> {
  h.scheduler.advance(0);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('ProgramSlate with the FailoverSwitcher', () => {
  it('puts the slate on air when both inputs are lost, with continuous timestamps and its own headers', async () => {
    const h = await onAir(300_000);
    h.disconnect('backup');
    h.disconnect('primary');
    assert.equal(h.slate.onAir, true);
    assert.equal(h.switcher.fillerOnAir, true);
    const start = h.started[0]!;
    assert.equal(start.endsAt - start.since, 300_000);
    assert.equal(start.onAirAfterMs, 0, 'the clip was ready');
    assert.match(start.reason, /primary disconnected/);
    h.run(3000);
    const slateHeader = h.out.find((t) => isVideoSequenceHeader(t) && markerOf(t) === SLATE_MARKER);
    assert.ok(slateHeader, 'the slate AVC sequence header reached the program');
    assert.deepEqual(h.runs(), [1, SLATE_MARKER]);
    assert.deepEqual(h.runs(FlvTagType.Audio), [1, SLATE_MARKER]);
    assertContinuous(h.out, MAX_SWITCH_GAP_MS);
  });

  it('lets the first input to come back take over at a keyframe, then stops the slate', async () => {
    const h = await onAir(300_000);
    h.disconnect('backup');
    h.disconnect('primary');
    h.run(2000);
    h.connect('primary');
    h.run(2000);
    assert.equal(h.slate.onAir, false);
    assert.equal(h.switcher.activeInput, 'primary');
    assert.deepEqual(h.runs(), [1, SLATE_MARKER, 1]);
    const back = h.out.filter((t) => t.type === FlvTagType.Video && isMedia(t) && markerOf(t) === 1);
    const firstBack = h.out.indexOf(back.find((t) => t.timestamp > 1500)!);
    assert.ok(isVideoKeyframe(h.out[firstBack]!), 'the primary came back at a keyframe');
    assert.ok(isVideoSequenceHeader(h.out[firstBack - 2]!), "the primary's headers came first");
    assertContinuous(h.out, MAX_SWITCH_GAP_MS);
    assert.deepEqual(
      h.ended.map((e) => [e.cause, e.input, e.legsClosed]),
      [['input-returned', 'primary', false]],
    );
    assert.match(h.ended[0]!.reason, /primary came back after 2\.\d s/);
    const before = h.out.length;
    h.scheduler.advance(5000);
    assert.equal(h.out.length, before, 'the slate sends nothing more');
  });

  it('closes the legs after slateTimeoutMs on the slate and says so', async () => {
    const h = await onAir(10_000);
    h.disconnect('backup');
    h.disconnect('primary');
    h.run(9000);
    assert.equal(h.legsClosed(), 0);
    h.run(1100);
    await settle(h);
    assert.equal(h.legsClosed(), 1);
    assert.equal(h.switcher.fillerOnAir, false);
    const end = h.ended[0]!;
    assert.deepEqual([end.cause, end.legsClosed, end.wasOnAir], ['timeout', true, true]);
    assert.equal(end.reason, 'no input for 10 s: the slate timed out and the legs were closed');
  });

  it("keeps today's behaviour with slateTimeoutMs 0: the program holds with no media", async () => {
    const h = await onAir(0);
    h.disconnect('backup');
    h.disconnect('primary');
    const before = h.out.length;
    h.run(5000);
    assert.equal(h.out.length, before);
    assert.deepEqual([h.started.length, h.ended.length, h.legsClosed()], [0, 0, 0]);
  });

  it('moves the deadline when slateTimeoutMs changes on the slate, and ends it when set to 0', async () => {
    const h = await onAir(300_000);
    h.disconnect('backup');
    h.disconnect('primary');
    h.run(1000);
    h.slate.updateTimeout(5000);
    assert.equal(h.started.at(-1)!.endsAt - h.started.at(-1)!.since, 5000);
    h.slate.updateTimeout(0);
    assert.deepEqual(
      h.ended.map((e) => e.cause),
      ['disabled'],
    );
    assert.equal(h.switcher.fillerOnAir, false);
  });

  it('goes on air as soon as a clip that was not ready is encoded', async () => {
    const h = harness(300_000, { clipDelayMs: 400 });
    h.connect('primary');
    h.run(1000);
    h.disconnect('primary');
    assert.equal(h.slate.onAir, false);
    h.run(300);
    await settle(h);
    h.run(200);
    await settle(h);
    assert.equal(h.slate.onAir, true);
    assert.ok(h.started[0]!.onAirAfterMs >= 400);
    h.run(1000);
    assertContinuous(h.out, 600);
  });

  it('reports a clip that cannot be made and leaves the program holding', async () => {
    const h = harness(300_000, { clipFails: true });
    h.connect('primary');
    h.run(1000);
    h.disconnect('primary');
    await settle(h);
    assert.deepEqual(
      h.ended.map((e) => [e.cause, e.wasOnAir]),
      [['failed', false]],
    );
    assert.match(h.ended[0]!.reason, /could not be made: ffmpeg failed/);
  });

  it("records the inputs' bitrate and frame rate with each switch", () => {
    const h = harness(0);
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.disconnect('primary');
    const { signals } = h.switches.at(-1)!;
    assert.deepEqual(
      [
        signals.newInputBitrateKbps,
        signals.newInputFrameRate,
        signals.lostInputBitrateKbps,
        signals.lostInputFrameRate,
      ],
      [1500, 30, 2500, 30],
    );
    assert.equal(h.switches[0]!.signals.lostInputBitrateKbps, null, 'none lost at the start of the show');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputRole } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import { isAudioSequenceHeader, isVideoSequenceHeader, type FlvTag } from '../protocols/flv/flv-tag';
import { SyntheticEncoder } from '../testing/synthetic-encoder';
import { synthetic } from '../testing/synthetic-tags';
import { FailoverSwitcher } from './failover-switcher';
import { ProgramOutput } from './program-output';
import type { ProgramFiller, SwitchDecision, SwitcherSettings } from './switcher-types';

const FRAME_MS = 33;
const MAX_DRIFT_MS = 2000;

/**
 * A switcher on a fake clock fed by two synthetic live encoders that can be frozen (SIGSTOP) and
 * resumed, after which they send their backlog at 8 frames per interval. Records every program tag
 * and, after each interval, how far the program ran ahead of the wall clock.
 */
function harness(settings: Partial<SwitcherSettings> = {}) {
  let now = 1_000_000;
  const program = new ProgramOutput();
  const out: FlvTag[] = [];
  program.attach({ write: (p) => out.push(p.tag) });
  const switches: SwitchDecision[] = [];
  const switcher = new FailoverSwitcher(
    program,
    { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 500, ...settings },
    { inputStateChanged: () => {}, switched: (d) => switches.push(d), programInterrupted: () => {} },
    () => now,
  );
  const enc: Record<InputRole, SyntheticEncoder> = {
    primary: new SyntheticEncoder(1, 5000),
    backup: new SyntheticEncoder(2, 90_000),
  };
  // A slate: sequence headers, then a real-time loop of 30 fps video and audio from DTS 0.
  const slateEncoder = new SyntheticEncoder(3, 0);
  const slate: ProgramFiller = {
    start: (emit) => slateEncoder.connect({ onMetadata: () => {}, onMedia: emit, onEnd: () => {} }),
    stop: () => slateEncoder.disconnect(),
  };
  let maxAheadMs = -Infinity;
  return {
    switcher,
    enc,
    out,
    switches,
    slate,
    maxAheadMs: () => maxAheadMs,
    connect: (role: InputRole) => enc[role].connect(switcher.openSession(role)),
    /** Advances the clock by `ms`; `until` stops early once true (checked after each interval). */
    run(ms: number, until: () => boolean = () => false) {
      for (let t = 0; t < ms; t += FRAME_MS) {
        now += FRAME_MS;
        enc.primary.step();
        enc.backup.step();
        slateEncoder.step();
        switcher.tick();
        maxAheadMs = Math.max(maxAheadMs, -switcher.driftMs());
        if (until()) return;
      }
    },
    media: (type: FlvTagType) =>
      out.filter((t) => t.type === type && !isVideoSequenceHeader(t) && !isAudioSequenceHeader(t)),
  };
}

/** Program video DTS strictly increasing, audio non-decreasing, and no step above `maxStepMs`. */
function assertContinuous(h: ReturnType<typeof harness>, maxStepMs: number): void {
  for (const type of [FlvTagType.Video, FlvTagType.Audio]) {
    const media = h.media(type);
    for (let i = 1; i < media.length; i++) {
      const step = media[i]!.timestamp - media[i - 1]!.timestamp;
      assert.ok(type === FlvTagType.Video ? step > 0 : step >= 0, `type ${type} went back at ${i}: ${step}`);
      assert.ok(step <= maxStepMs, `type ${type}: step of ${step} ms at ${i}`);
    }
  }
}

describe('FailoverSwitcher with a resumed encoder’s backlog', () => {
  it('fails back to a resumed primary only once it sends in real time, at a live keyframe', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(3000);
    h.enc.primary.paused = true;
    h.run(7000);
    assert.equal(h.switcher.activeInput, 'backup');
    h.enc.primary.paused = false;
    let failbackBacklog = -1;
    h.run(10_000, () => {
      if (h.switcher.activeInput === 'primary' && failbackBacklog < 0) {
        failbackBacklog = h.enc.primary.owedFrames;
      }
      return false;
    });
    assert.equal(h.switcher.activeInput, 'primary');
    assert.ok(failbackBacklog <= 1, `the primary still owed ${failbackBacklog} frames at the failback`);
    const failback = h.switches.at(-1)!;
    assert.equal(failback.kind, 'failback');
    assert.match(failback.reason, /^primary healthy for \d+ ms$/);
    assert.ok(failback.signals.newInputBacklogMs > 5000, `backlog ${failback.signals.newInputBacklogMs} ms`);
    assert.ok(h.maxAheadMs() <= MAX_DRIFT_MS, `program ran ${h.maxAheadMs()} ms ahead`);
    assert.equal(synthetic.markerOf(h.media(FlvTagType.Video).at(-1)!), 1);
    assertContinuous(h, FRAME_MS + 10);
  });

  it('keeps a resumed input off the air while it drains, when it is the only input', () => {
    const h = harness();
    h.connect('primary');
    h.run(3000);
    h.enc.primary.paused = true;
    h.run(6000);
    assert.equal(h.switcher.activeInput, null);
    h.enc.primary.paused = false;
    let owedAtResume = -1;
    h.run(5000, () => {
      if (h.switcher.activeInput === 'primary' && owedAtResume < 0) owedAtResume = h.enc.primary.owedFrames;
      return false;
    });
    assert.equal(h.switcher.activeInput, 'primary');
    assert.ok(owedAtResume >= 0 && owedAtResume <= 1, `the primary owed ${owedAtResume} frames on air`);
    const resume = h.switches.at(-1)!;
    assert.equal(resume.kind, 'resume');
    assert.ok(resume.signals.newInputBacklogMs > 4000, `backlog ${resume.signals.newInputBacklogMs} ms`);
    assert.ok(h.maxAheadMs() <= MAX_DRIFT_MS, `program ran ${h.maxAheadMs()} ms ahead`);
    assert.ok(Math.abs(h.switcher.driftMs()) <= MAX_DRIFT_MS, `drift ${h.switcher.driftMs()} ms after`);
    // The hold leaves one hole, as long as the program had no input (the catch-up of ProgramTimeline).
    assertContinuous(h, 10_000);
  });

  it('keeps the slate on air until the resumed input is paced, then resumes at its live edge', () => {
    const h = harness();
    h.connect('primary');
    h.run(3000);
    h.enc.primary.paused = true;
    h.run(1500);
    assert.ok(h.switcher.startFiller(h.slate), 'the slate goes on air');
    h.run(4500);
    h.enc.primary.paused = false;
    h.run(300);
    assert.ok(h.switcher.fillerOnAir, 'the slate stays on air while the primary drains');
    h.run(5000);
    assert.equal(h.switcher.activeInput, 'primary');
    assert.ok(h.maxAheadMs() <= MAX_DRIFT_MS, `program ran ${h.maxAheadMs()} ms ahead`);
    assert.ok(Math.abs(h.switcher.driftMs()) <= MAX_DRIFT_MS, `drift ${h.switcher.driftMs()} ms after`);
    assertContinuous(h, 1000 + FRAME_MS + 10); // the stall detection is the only hole
  });

  it('skips an on-air backlog to the live edge after a failover to an input still draining', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(3000);
    h.enc.primary.paused = true;
    h.run(6000);
    h.enc.primary.paused = false;
    h.run(200);
    assert.equal(h.switcher.activeInput, 'backup', 'no failback while the primary drains');
    h.enc.backup.disconnect();
    assert.equal(h.switches.at(-1)!.kind, 'failback');
    h.run(300);
    assert.ok(h.switcher.skippingBacklog, 'the backlog is being skipped');
    h.run(5000);
    assert.ok(!h.switcher.skippingBacklog);
    const skip = h.switches.at(-1)!;
    assert.equal(skip.kind, 'resume');
    assert.equal(skip.from, 'primary');
    assert.equal(skip.to, 'primary');
    assert.ok(skip.signals.skippedMs > 1000, `skipped ${skip.signals.skippedMs} ms`);
    assert.match(skip.reason, /^primary ran \d+ ms ahead of the wall clock: skipped \d+ ms/);
    assert.ok(h.maxAheadMs() <= MAX_DRIFT_MS, `program ran ${h.maxAheadMs()} ms ahead`);
    assert.ok(Math.abs(h.switcher.driftMs()) <= MAX_DRIFT_MS, `drift ${h.switcher.driftMs()} ms after`);
    assertContinuous(h, FRAME_MS + 10);
    // The program resumed at the live edge: its last frames are the encoder's latest ones.
    assert.equal(synthetic.markerOf(h.media(FlvTagType.Video).at(-1)!), 1);
    assert.equal(h.enc.primary.owedFrames, 0);
  });
});

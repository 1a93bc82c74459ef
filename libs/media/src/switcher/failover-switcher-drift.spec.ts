import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputRole } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import { isAudioSequenceHeader, isVideoSequenceHeader, type FlvTag } from '../protocols/flv/flv-tag';
import { SyntheticEncoder } from '../testing/synthetic-encoder';
import { FailoverSwitcher } from './failover-switcher';
import { ProgramOutput } from './program-output';
import type { SwitchDecision, SwitcherSettings } from './switcher-types';

const FRAME_MS = 33;
const GOP_MS = 30 * FRAME_MS;
const MAX_DRIFT_MS = 2000;
/** At most two frame durations between program video frames: no hole (issue 3). */
const MAX_STEP_MS = 2 * FRAME_MS;
const NO_DAMPING = { maxFailovers: 0, windowMs: 1, stableMs: 1 };

/**
 * Two synthetic 30 fps encoders (1 s GOP) on a fake clock, as in the failover benchmark: faults on
 * the primary, flap damping off. Tracks the program's lead over the wall clock after every interval.
 */
function harness(settings: Partial<SwitcherSettings> = {}) {
  let now = 1_000_000;
  const program = new ProgramOutput();
  const out: FlvTag[] = [];
  program.attach({ write: (p) => out.push(p.tag) });
  const switches: SwitchDecision[] = [];
  const switcher = new FailoverSwitcher(
    program,
    {
      mode: 'primary-preferred',
      stallTimeoutMs: 1000,
      failbackAfterMs: 1000,
      maxDriftMs: MAX_DRIFT_MS,
      flapDamping: NO_DAMPING,
      ...settings,
    },
    { inputStateChanged: () => {}, switched: (d) => switches.push(d), programInterrupted: () => {} },
    () => now,
  );
  const enc: Record<InputRole, SyntheticEncoder> = {
    primary: new SyntheticEncoder(1, 5000),
    backup: new SyntheticEncoder(2, 90_000),
  };
  let aheadMs = { min: Infinity, max: -Infinity };
  return {
    switcher,
    enc,
    out,
    switches,
    lead: () => aheadMs,
    resetLead: () => (aheadMs = { min: Infinity, max: -Infinity }),
    connect: (role: InputRole) => enc[role].connect(switcher.openSession(role)),
    run(ms: number) {
      for (let t = 0; t < ms; t += FRAME_MS) {
        now += FRAME_MS;
        enc.primary.step();
        enc.backup.step();
        switcher.tick();
        if (switcher.activeInput === null) continue;
        const ahead = -switcher.driftMs();
        aheadMs = { min: Math.min(aheadMs.min, ahead), max: Math.max(aheadMs.max, ahead) };
      }
    },
    /** Runs until the primary is back on air (failback), at most `ms`. */
    untilPrimary(ms: number) {
      for (let t = 0; t < ms && switcher.activeInput !== 'primary'; t += FRAME_MS) this.run(FRAME_MS);
    },
    media: (type: FlvTagType) =>
      out.filter((t) => t.type === type && !isVideoSequenceHeader(t) && !isAudioSequenceHeader(t)),
  };
}

/** Largest step between program video DTS (ms); also checks video increases and audio never goes back. */
function largestVideoStep(h: ReturnType<typeof harness>): number {
  let largest = 0;
  for (const type of [FlvTagType.Video, FlvTagType.Audio]) {
    const media = h.media(type);
    for (let i = 1; i < media.length; i++) {
      const step = media[i]!.timestamp - media[i - 1]!.timestamp;
      assert.ok(type === FlvTagType.Video ? step > 0 : step >= 0, `type ${type} went back at ${i}: ${step}`);
      if (type === FlvTagType.Video) largest = Math.max(largest, step);
    }
  }
  return largest;
}

describe('FailoverSwitcher program start', () => {
  it('anchors the wall clock at the live edge of the first placement of a show', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(3900);
    h.switcher.restartSelection();
    assert.equal(h.switcher.activeInput, 'primary');
    assert.ok(Math.abs(h.switcher.driftMs()) <= FRAME_MS, `drift ${h.switcher.driftMs()} ms at the start`);
    h.run(2000);
    assert.ok(Math.abs(h.switcher.driftMs()) <= FRAME_MS, `drift ${h.switcher.driftMs()} ms later`);
    assert.ok(largestVideoStep(h) <= MAX_STEP_MS);
  });
});

describe('FailoverSwitcher stall failover from the GOP history', () => {
  it('covers the time the primary was silent: no hole, not ahead by more than one GOP', () => {
    for (const phaseMs of [0, 250, 500, 800, 950]) {
      const h = harness();
      h.connect('primary');
      h.connect('backup');
      h.run(2000 + phaseMs);
      h.switcher.restartSelection();
      h.run(1500);
      h.resetLead();
      h.enc.primary.paused = true;
      h.run(1300);
      const failover = h.switches.at(-1)!;
      assert.equal(failover.kind, 'failover', `phase ${phaseMs}`);
      assert.equal(failover.gapMs, 0);
      assert.equal(failover.signals.keyframeWaitMs, 0);
      assert.ok(failover.replayedTags <= (2 * (GOP_MS + 1100)) / FRAME_MS, `${failover.replayedTags} tags`);
      const ahead = -h.switcher.driftMs();
      assert.ok(ahead >= -FRAME_MS && ahead <= GOP_MS + FRAME_MS, `phase ${phaseMs}: ${ahead} ms ahead`);
      assert.ok(largestVideoStep(h) <= MAX_STEP_MS, `phase ${phaseMs}: a hole`);
    }
  });
});

describe('FailoverSwitcher over repeated faults (cached-keyframe)', () => {
  it('keeps the program within one GOP of the wall clock over 12 stall cycles, with no hole', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(3000);
    h.switcher.restartSelection();
    for (let i = 0; i < 12; i++) {
      h.run(1500 + ((i * 337) % GOP_MS));
      h.enc.primary.paused = true;
      h.run(1300);
      h.enc.primary.paused = false;
      h.untilPrimary(8000);
      assert.equal(h.switcher.activeInput, 'primary', `cycle ${i}: failback`);
      assert.ok(
        -h.switcher.driftMs() <= 300,
        `cycle ${i}: ${-h.switcher.driftMs()} ms ahead after the failback`,
      );
    }
    const failovers = h.switches.filter((s) => s.kind === 'failover');
    assert.equal(failovers.length, 12);
    assert.ok(failovers.every((s) => s.gapMs === 0 && s.signals.keyframeWaitMs === 0));
    assert.ok(h.lead().max <= GOP_MS + FRAME_MS, `up to ${h.lead().max} ms ahead`);
    assert.ok(h.lead().min >= -(1000 + 200), `down to ${-h.lead().min} ms behind`);
    assert.ok(largestVideoStep(h) <= MAX_STEP_MS, 'a hole');
  });

  it('fails over at once on every one of 20 kills and gives the replayed lead back at the failback', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(3000);
    h.switcher.restartSelection();
    for (let i = 0; i < 20; i++) {
      h.run(1500 + ((i * 337) % GOP_MS));
      h.enc.primary.disconnect();
      h.connect('primary');
      h.untilPrimary(8000);
      assert.equal(h.switcher.activeInput, 'primary', `cycle ${i}: failback`);
      assert.ok(
        -h.switcher.driftMs() <= 300,
        `cycle ${i}: ${-h.switcher.driftMs()} ms ahead after the failback`,
      );
    }
    const failovers = h.switches.filter((s) => s.kind === 'failover');
    assert.equal(failovers.length, 20);
    assert.ok(failovers.every((s) => s.signals.keyframeWaitMs === 0 && s.gapMs === 0));
    assert.ok(h.lead().max <= GOP_MS + 200, `up to ${h.lead().max} ms ahead`);
    assert.ok(largestVideoStep(h) <= MAX_STEP_MS, 'a hole');
  });

  it('keeps the lead within maxDriftMs over 20 kills in sticky mode (no failback to trim at)', () => {
    const h = harness({ mode: 'sticky' });
    h.connect('primary');
    h.connect('backup');
    h.run(3000);
    h.switcher.restartSelection();
    for (let i = 0; i < 20; i++) {
      const role = h.switcher.activeInput ?? 'primary';
      h.run(1500 + ((i * 337) % GOP_MS));
      h.enc[role].disconnect();
      h.connect(role);
      h.run(1500);
    }
    assert.ok(h.switches.filter((s) => s.kind !== 'resume').length >= 20);
    assert.ok(h.lead().max <= MAX_DRIFT_MS, `up to ${h.lead().max} ms ahead`);
    assert.ok(largestVideoStep(h) <= 1000 + FRAME_MS, 'only keyframe waits');
  });
});

describe('FailoverSwitcher.updateSettings maxDriftMs', () => {
  /** The program's lag (ms) once the primary is back after `outageMs` with no input on air. */
  const lagAfterOutage = (h: ReturnType<typeof harness>, outageMs: number): number => {
    h.enc.primary.disconnect();
    h.run(outageMs);
    h.connect('primary');
    h.untilPrimary(3000);
    assert.equal(h.switcher.activeInput, 'primary');
    return h.switcher.driftMs();
  };
  const onAir = (settings: Partial<SwitcherSettings>) => {
    const h = harness(settings);
    h.connect('primary');
    h.run(3000);
    h.switcher.restartSelection();
    h.run(1500);
    return h;
  };

  it('bounds the program timeline by the new value: a lag beyond it becomes a hole', () => {
    const kept = onAir({});
    assert.ok(lagAfterOutage(kept, 1500) >= 1000, 'within 2000 ms: the program stays behind');
    const changed = onAir({});
    changed.switcher.updateSettings({
      mode: 'primary-preferred',
      stallTimeoutMs: 1000,
      failbackAfterMs: 1000,
      maxDriftMs: 500,
      flapDamping: NO_DAMPING,
    });
    assert.ok(lagAfterOutage(changed, 1500) <= 500, 'beyond 500 ms: the lag is dropped');
  });
});

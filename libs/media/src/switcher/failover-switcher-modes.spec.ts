import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputRole, PublishSink } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import { isVideoSequenceHeader, type FlvTag } from '../protocols/flv/flv-tag';
import { synthetic } from '../testing/synthetic-tags';
import { FailoverSwitcher } from './failover-switcher';
import { ProgramOutput } from './program-output';
import type { SwitchDecision, SwitcherSettings } from './switcher-types';

const FRAME_MS = 33;
const GOP_FRAMES = 30;

/** Two synthetic 30 fps encoders (1 s GOP) on a fake clock; `frozen` roles repeat their last timestamp. */
function harness(settings: Partial<SwitcherSettings> = {}) {
  let now = 1_000_000;
  const program = new ProgramOutput();
  const out: FlvTag[] = [];
  program.attach({ write: (p) => out.push(p.tag) });
  const switches: SwitchDecision[] = [];
  const events: string[] = [];
  const switcher = new FailoverSwitcher(
    program,
    { mode: 'primary-preferred', stallTimeoutMs: 500, failbackAfterMs: 1000, ...settings },
    {
      inputStateChanged: (role, state, reason) => events.push(`${role}:${state}:${reason}`),
      switched: (d) => switches.push(d),
      programInterrupted: (reason) => events.push(`interrupted:${reason}`),
      flapDampingChanged: (active) => events.push(`damping:${active}`),
    },
    () => now,
  );
  const enc: Record<InputRole, { sink: PublishSink | null; ts: number; frame: number; marker: number }> = {
    primary: { sink: null, ts: 0, frame: 0, marker: 1 },
    backup: { sink: null, ts: 50_000, frame: 0, marker: 2 },
  };
  return {
    switcher,
    out,
    switches,
    events,
    now: () => now,
    connect(role: InputRole) {
      const e = enc[role];
      e.sink = switcher.openSession(role);
      e.frame = 0;
      e.sink.onMedia(synthetic.videoConfig(e.marker, e.ts));
      e.sink.onMedia(synthetic.audioConfig(e.marker, e.ts));
    },
    disconnect(role: InputRole) {
      enc[role].sink?.onEnd('disconnected');
      enc[role].sink = null;
    },
    run(ms: number, opts: { silent?: InputRole[]; frozen?: InputRole[] } = {}) {
      for (let t = 0; t < ms; t += FRAME_MS) {
        now += FRAME_MS;
        for (const role of ['primary', 'backup'] as const) {
          const e = enc[role];
          if (!e.sink || opts.silent?.includes(role)) continue;
          if (!opts.frozen?.includes(role)) e.ts += FRAME_MS;
          const video = e.frame++ % GOP_FRAMES === 0 ? synthetic.keyframe : synthetic.interframe;
          e.sink.onMedia(video(e.marker, e.ts));
        }
        switcher.tick();
      }
    },
    videoMarkers: () =>
      out.filter((t) => t.type === FlvTagType.Video && !isVideoSequenceHeader(t)).map(synthetic.markerOf),
  };
}

describe('FailoverSwitcher switch modes', () => {
  it('cached-keyframe: the backup goes on air at once and repeats at most one GOP', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(1500);
    h.disconnect('primary');
    const failover = h.switches.at(-1)!;
    assert.equal(failover.kind, 'failover');
    assert.equal(failover.signals.keyframeWaitMs, 0);
    assert.ok(failover.replayedTags >= 1 && failover.replayedTags <= GOP_FRAMES);
  });

  it('next-keyframe: the backup waits for its next keyframe and nothing repeats', () => {
    const h = harness({ switchAt: 'next-keyframe' });
    h.connect('primary');
    h.connect('backup');
    h.run(1500);
    h.disconnect('primary');
    assert.equal(h.switcher.activeInput, null, 'waiting for the keyframe');
    h.run(1100);
    const failover = h.switches.at(-1)!;
    assert.equal(failover.kind, 'failover');
    assert.equal(failover.replayedTags, 1);
    assert.ok(failover.signals.keyframeWaitMs > 0 && failover.signals.keyframeWaitMs <= 1000 + FRAME_MS);
  });
});

describe('FailoverSwitcher loss detection', () => {
  it('treats frozen timestamps as a loss when the event asks for it', () => {
    const h = harness({ detectFrozenTimestamps: true });
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.run(800, { frozen: ['primary'] });
    assert.equal(h.switcher.activeInput, 'backup');
    assert.ok(h.events.some((e) => /primary:stalled:timestamps frozen/.test(e)));
  });

  it('ignores frozen timestamps by default', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.run(800, { frozen: ['primary'] });
    assert.equal(h.switcher.activeInput, 'primary');
  });

  it('records the lost input’s last packet age with the switch', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.run(700, { silent: ['primary'] });
    const failover = h.switches.at(-1)!;
    assert.ok(failover.signals.lostInputLastPacketAgeMs! > 500);
  });
});

describe('FailoverSwitcher flap damping', () => {
  it('stops failing back to a flapping primary until both inputs are stable', () => {
    const h = harness({
      flapDamping: { maxFailovers: 3, windowMs: 60_000, stableMs: 5000 },
      failbackAfterMs: 300,
    });
    h.connect('primary');
    h.connect('backup');
    h.run(1500);
    for (let i = 0; i < 3; i++) {
      h.disconnect('primary');
      h.run(300);
      h.connect('primary');
      h.run(2500); // failback after 300 ms + keyframe (+ one GOP when deferred to trim the lead)
    }
    assert.ok(h.events.includes('damping:true'));
    assert.equal(h.switcher.activeInput, 'backup', 'damping keeps the program on the steadier backup');
    const switchesWhileDamped = h.switches.length;
    h.run(2000); // the last loss was 2800 ms ago: stable for stableMs 2200 ms from now
    assert.equal(h.switches.length, switchesWhileDamped, 'no bounce while damped');
    h.run(3000);
    assert.ok(h.events.includes('damping:false'));
    h.run(1500);
    assert.equal(h.switcher.activeInput, 'primary', 'failback once both were stable for stableMs');
  });
});

describe('FailoverSwitcher rehearsal', () => {
  it('fails over on a simulated loss while the primary keeps publishing, and fails back after it', () => {
    const h = harness({ failbackAfterMs: 500 });
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.switcher.simulateLoss('primary', 'rehearsal: primary dropped on purpose');
    assert.equal(h.switcher.activeInput, 'backup');
    assert.equal(h.switches.at(-1)!.reason, 'rehearsal: primary dropped on purpose');
    h.run(2000);
    assert.equal(h.switcher.activeInput, 'backup', 'the primary stays lost during the rehearsal');
    h.switcher.endSimulatedLoss('primary');
    h.run(2000);
    assert.equal(h.switcher.activeInput, 'primary');
    assert.equal(h.switches.at(-1)!.kind, 'failback');
  });
});

describe('FailoverSwitcher drift', () => {
  it('keeps the program within maxDriftMs of the wall clock over repeated stall failovers', () => {
    const h = harness({
      stallTimeoutMs: 1000,
      failbackAfterMs: 0,
      maxDriftMs: 2000,
      flapDamping: { maxFailovers: 0, windowMs: 1, stableMs: 1 },
    });
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    for (let i = 0; i < 8; i++) {
      h.run(1500, { silent: [h.switcher.activeInput ?? 'primary'] });
      h.run(1500);
    }
    assert.ok(h.switches.length >= 8, `${h.switches.length} switches`);
    assert.ok(Math.abs(h.switcher.driftMs()) <= 2000 + 1000, `drift ${h.switcher.driftMs()} ms`);
    assert.ok(
      h.switches.every((s) => s.gapMs === 0),
      'the GOP history covered every silence: no hole to catch up',
    );
  });

  it('keeps the program within maxDriftMs ahead over repeated GOP replays', () => {
    const h = harness({
      failbackAfterMs: 0,
      maxDriftMs: 2000,
      flapDamping: { maxFailovers: 0, windowMs: 1, stableMs: 1 },
    });
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    for (let i = 0; i < 10; i++) {
      h.run(900);
      h.disconnect('primary');
      h.run(100);
      h.connect('primary');
      h.run(1200);
    }
    assert.ok(h.switcher.driftMs() >= -2000 - 1000, `drift ${h.switcher.driftMs()} ms`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputRole, PublishSink } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import { isVideoKeyframe, isVideoSequenceHeader, type FlvTag } from '../protocols/flv/flv-tag';
import { synthetic } from '../testing/synthetic-tags';
import { FailoverSwitcher } from './failover-switcher';
import { ProgramOutput } from './program-output';
import type { SwitchDecision, SwitcherSettings } from './switcher-types';

const PRIMARY = 1;
const BACKUP = 2;
const FRAME_MS = 33;
/** One frame interval plus the encoders' A/V skew (10 ms here): the largest per-stream step at a switch. */
const MAX_SWITCH_GAP_MS = FRAME_MS + 10;

/** A switcher on a fake clock with a recording program reader and two synthetic encoders. */
function harness(settings: Partial<SwitcherSettings> = {}) {
  let now = 1_000_000;
  const program = new ProgramOutput();
  const out: FlvTag[] = [];
  program.attach({ write: (p) => out.push(p.tag) });
  const switches: SwitchDecision[] = [];
  const states: string[] = [];
  const switcher = new FailoverSwitcher(
    program,
    { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 5000, ...settings },
    {
      inputStateChanged: (role, state) => states.push(`${role}:${state}`),
      switched: (d) => switches.push(d),
      programInterrupted: (reason) => states.push(`interrupted:${reason}`),
    },
    () => now,
  );
  const encoders: Record<InputRole, { sink: PublishSink | null; ts: number; marker: number; frame: number }> =
    {
      primary: { sink: null, ts: 5000, marker: PRIMARY, frame: 0 },
      backup: { sink: null, ts: 90_000, marker: BACKUP, frame: 0 },
    };
  const h = {
    switcher,
    out,
    switches,
    states,
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
    /** Advances the clock by ms, both connected encoders sending 30 fps video (GOP 30) and audio. */
    run(ms: number, silent: InputRole[] = []) {
      for (let t = 0; t < ms; t += FRAME_MS) {
        now += FRAME_MS;
        for (const role of ['primary', 'backup'] as const) {
          const e = encoders[role];
          if (!e.sink) continue;
          e.ts += FRAME_MS;
          if (silent.includes(role)) continue;
          const video = e.frame++ % 30 === 0 ? synthetic.keyframe : synthetic.interframe;
          e.sink.onMedia(video(e.marker, e.ts));
          e.sink.onMedia(synthetic.audio(e.marker, e.ts - 10));
        }
        switcher.tick();
      }
    },
    videoOut: () => out.filter((t) => t.type === FlvTagType.Video && !isVideoSequenceHeader(t)),
  };
  return h;
}

function assertContinuous(tags: FlvTag[], maxGapMs: number): void {
  for (const type of [FlvTagType.Video, FlvTagType.Audio]) {
    const media = tags.filter((t) => t.type === type && t.data[1] === 1);
    for (let i = 1; i < media.length; i++) {
      const delta = media[i]!.timestamp - media[i - 1]!.timestamp;
      if (type === FlvTagType.Video) assert.ok(delta > 0, `video DTS not increasing at ${i}: ${delta} ms`);
      else assert.ok(delta >= 0, `audio timestamp went back at ${i}: ${delta} ms`);
      assert.ok(delta <= maxGapMs, `hole of ${delta} ms in type ${type} at ${i}`);
    }
  }
}

describe('FailoverSwitcher', () => {
  it('puts the primary on air from its first keyframe, sequence headers first, at program time 0', () => {
    const h = harness();
    h.connect('primary');
    h.run(500);
    assert.equal(h.switcher.activeInput, 'primary');
    assert.ok(isVideoSequenceHeader(h.out[0]!), 'first program tag is the AVC sequence header');
    assert.equal(h.out[0]!.timestamp, 0);
    const firstVideo = h.videoOut()[0]!;
    assert.ok(isVideoKeyframe(firstVideo));
    assert.equal(firstVideo.timestamp, 0);
    assert.equal(h.switches[0]?.kind, 'resume');
  });

  it('fails over to the backup from its cached keyframe when the primary disconnects, timestamps continuous', () => {
    const h = harness();
    h.connect('primary');
    h.connect('backup');
    h.run(2000);
    assert.equal(h.switcher.activeInput, 'primary');
    h.disconnect('primary');
    assert.equal(h.switcher.activeInput, 'backup');
    const failover = h.switches.at(-1)!;
    assert.equal(failover.kind, 'failover');
    assert.equal(failover.reason, 'primary disconnected');
    assert.ok(failover.replayedTags > 0, 'the backup started from its GOP cache');
    h.run(1000);
    const video = h.videoOut();
    assert.equal(synthetic.markerOf(video.at(-1)!), BACKUP);
    assertContinuous(h.out, MAX_SWITCH_GAP_MS);
  });

  it('fails over when the primary stalls for stallTimeoutMs with its connection open', () => {
    const h = harness({ stallTimeoutMs: 500 });
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.run(700, ['primary']);
    assert.equal(h.switcher.activeInput, 'backup');
    assert.ok(h.states.includes('primary:stalled'));
    assert.match(h.switches.at(-1)!.reason, /primary stalled/);
    assertContinuous(h.out, MAX_SWITCH_GAP_MS);
  });

  it('fails back to the primary at its next keyframe once healthy for failbackAfterMs, with no hole', () => {
    const h = harness({ failbackAfterMs: 2000 });
    h.connect('primary');
    h.connect('backup');
    h.run(1000);
    h.disconnect('primary');
    h.run(1000);
    h.connect('primary');
    h.run(1500);
    assert.equal(h.switcher.activeInput, 'backup', 'still on the backup before failbackAfterMs');
    h.run(2000);
    assert.equal(h.switcher.activeInput, 'primary');
    const failback = h.switches.at(-1)!;
    assert.equal(failback.kind, 'failback');
    assert.equal(failback.replayedTags, 1, 'planned switch starts at a fresh keyframe, nothing repeats');
    assertContinuous(h.out, MAX_SWITCH_GAP_MS);
  });

  it('stays on the backup in sticky mode', () => {
    const h = harness({ mode: 'sticky', failbackAfterMs: 100 });
    h.connect('primary');
    h.connect('backup');
    h.run(500);
    h.disconnect('primary');
    h.connect('primary');
    h.run(3000);
    assert.equal(h.switcher.activeInput, 'backup');
  });

  it('reports an interruption when both inputs are lost and resumes on the first to return', () => {
    const h = harness();
    h.connect('primary');
    h.run(500);
    h.disconnect('primary');
    assert.equal(h.switcher.activeInput, null);
    assert.ok(h.states.some((s) => s.startsWith('interrupted:')));
    h.connect('backup');
    h.run(500);
    assert.equal(h.switcher.activeInput, 'backup');
    assertContinuous(h.out, MAX_SWITCH_GAP_MS);
  });

  it('ignores media from a session that a new publisher replaced', () => {
    const h = harness();
    const stale = h.switcher.openSession('primary');
    h.connect('primary');
    h.run(300);
    const before = h.out.length;
    stale.onMedia(synthetic.keyframe(99, 1));
    stale.onEnd('replaced');
    assert.equal(h.out.length, before);
    assert.equal(h.switcher.activeInput, 'primary');
  });

  it('keeps timestamps monotonic over many switches in a row', () => {
    const h = harness({ failbackAfterMs: 300, stallTimeoutMs: 200 });
    h.connect('primary');
    h.connect('backup');
    for (let i = 0; i < 20; i++) {
      h.run(400);
      if (i % 2 === 0) h.disconnect('primary');
      else h.connect('primary');
      h.run(250, i % 3 === 0 ? ['backup'] : []);
    }
    assert.ok(h.switches.length >= 10, `expected many switches, got ${h.switches.length}`);
    assertContinuous(h.out, 2000);
  });
});

describe('FailoverSwitcher at the start of a show', () => {
  it('waits briefly for a connected primary instead of starting on the backup', () => {
    const h = harness();
    h.connect('backup');
    h.connect('primary');
    // The backup's media arrives first; the primary's a little later.
    h.run(500, ['primary']);
    assert.equal(h.switcher.activeInput, null);
    h.run(500);
    assert.equal(h.switcher.activeInput, 'primary');
    assert.equal(h.switches.length, 1);
  });

  it('starts on the backup when no primary is connected', () => {
    const h = harness();
    h.connect('backup');
    h.run(300);
    assert.equal(h.switcher.activeInput, 'backup');
  });
});

describe('FailoverSwitcher.restartSelection', () => {
  it('moves the program to a live primary when the show starts, even before its next keyframe', () => {
    const h = harness();
    h.connect('backup');
    h.run(300);
    h.connect('primary');
    h.run(100);
    assert.equal(h.switcher.activeInput, 'backup');
    const before = h.out.length;
    h.switcher.restartSelection();
    h.run(1200);
    assert.equal(h.switcher.activeInput, 'primary');
    const after = h.out.slice(before).filter((t) => t.type === FlvTagType.Video && t.data[1] === 1);
    assert.ok(
      after.length > 0 && after.every((t) => synthetic.markerOf(t) === PRIMARY),
      'only the primary after the restart',
    );
    assertContinuous(h.out, 1000);
  });

  it('starts a sticky show on the primary too', () => {
    const h = harness({ mode: 'sticky' });
    h.connect('backup');
    h.run(300);
    h.connect('primary');
    h.run(300);
    h.switcher.restartSelection();
    h.run(300);
    assert.equal(
      h.switcher.activeInput,
      'primary',
      'nothing was on air for the show yet: the primary starts it',
    );
  });
});

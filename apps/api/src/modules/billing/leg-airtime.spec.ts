import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AirtimeMark, billableMinutes, legAirtimeMs, type LegRowNow, markOf } from './leg-airtime';

const S = 1000;
// Window [100 s, 160 s).
const W = { start: 100 * S, end: 160 * S };
const up = (at: number, destinationId = 'a'): AirtimeMark => ({ kind: 'leg_up', destinationId, at: at * S });
const down = (at: number, destinationId = 'a'): AirtimeMark => ({
  kind: 'leg_down',
  destinationId,
  at: at * S,
});
const allDown = (at: number): AirtimeMark => ({ kind: 'all_down', at: at * S });
const live: LegRowNow = { liveNow: true, updatedAt: 0 };
const offSince = (at: number): LegRowNow => ({ liveNow: false, updatedAt: at * S });
const rows = (entries: Record<string, LegRowNow>) => new Map(Object.entries(entries));
/** Seconds on air per leg. */
const seconds = (marks: AirtimeMark[], legRows = rows({ a: offSince(0), b: offSince(0) }), w = W) =>
  Object.fromEntries([...legAirtimeMs(marks, w, legRows)].map(([id, ms]) => [id, ms / S]));

describe('legAirtimeMs: time on air of each leg within a window', () => {
  it('counts a leg live before the window from the window start', () => {
    assert.deepEqual(seconds([up(40), down(130)]), { a: 30 });
  });

  it('counts a leg still live at the window end up to the end', () => {
    assert.deepEqual(seconds([up(150)], rows({ a: live })), { a: 10 });
  });

  it('counts a leg live across the whole window once, and adjacent windows add up to the whole', () => {
    assert.deepEqual(seconds([up(40)], rows({ a: live })), { a: 60 });
    const marks = [up(130), down(190)];
    const first = seconds(marks);
    const second = seconds(marks, undefined, { start: 160 * S, end: 220 * S });
    assert.deepEqual([first, second], [{ a: 30 }, { a: 30 }]);
  });

  it('adds up the live parts of a flapping leg and nothing of its down time', () => {
    const marks = [up(95), down(105), up(110), down(111), up(120), down(125), up(158), down(170)];
    assert.deepEqual(seconds(marks), { a: 5 + 1 + 5 + 2 });
  });

  it('counts each leg on its own and none before the window', () => {
    const marks = [up(10, 'b'), down(20, 'b'), up(110), up(120, 'b'), down(140)];
    assert.deepEqual(seconds(marks, rows({ a: offSince(140), b: live })), { a: 30, b: 40 });
  });

  it('ends every leg at event_started or event_stopped', () => {
    const marks = [up(90), up(100, 'b'), allDown(130), up(150)];
    assert.deepEqual(seconds(marks, rows({ a: live, b: live })), { a: 30 + 10, b: 30 });
    assert.deepEqual(seconds([up(50), allDown(90)], rows({ a: live })), {});
  });

  it("relay restart with no down entry: ends the dead relay's legs at the takeover, or at the leg's next up", () => {
    // The relay died at ~120 s; the new owner's takeover wrote event_started at 127 s and restarted the leg.
    assert.deepEqual(seconds([up(110), allDown(127), up(129)], rows({ a: live })), { a: 17 + 31 });
    // No takeover entry (same relay took it back): the next up ends the previous interval.
    assert.deepEqual(seconds([up(110), up(129)], rows({ a: live })), { a: 50 });
  });

  it("ends a leg taken off air without an entry at its row's last write, and counts nothing for a deleted one", () => {
    assert.deepEqual(seconds([up(110)], rows({ a: offSince(135) })), { a: 25 });
    assert.deepEqual(seconds([up(110)], rows({ a: offSince(90) })), {});
    assert.deepEqual(seconds([up(110)], rows({})), {});
  });

  it('ends a leg at leg_stopped: removed while live (no row), or stopped while its row stays', () => {
    const stopped = markOf({ type: 'leg_stopped', destinationId: 'a', at: 135 * S });
    assert.deepEqual(stopped, down(135));
    assert.deepEqual(seconds([up(110), stopped], rows({})), { a: 25 });
    assert.deepEqual(seconds([up(110), stopped, up(150)], rows({ a: live })), { a: 25 + 10 });
  });

  it('reads connected as up, failed, gave up and stopped as down, event start and stop as all down', () => {
    const at = 1;
    assert.deepEqual(markOf({ type: 'leg_connected', destinationId: 'a', at }), {
      kind: 'leg_up',
      destinationId: 'a',
      at,
    });
    for (const type of ['leg_failed', 'leg_gave_up', 'leg_stopped'] as const)
      assert.deepEqual(markOf({ type, destinationId: 'a', at }), {
        kind: 'leg_down',
        destinationId: 'a',
        at,
      });
    for (const type of ['event_started', 'event_stopped'] as const)
      assert.deepEqual(markOf({ type, destinationId: null, at }), { kind: 'all_down', at });
    assert.equal(markOf({ type: 'leg_stopped', destinationId: null, at }), null);
  });

  it('uses marks after the window only to end what was open in it', () => {
    assert.deepEqual(seconds([up(150), down(200), up(210)], rows({ a: live })), { a: 10 });
    assert.deepEqual(seconds([up(170)], rows({ a: live })), {});
  });
});

describe('billableMinutes', () => {
  it('bills whole minutes and carries the rest to the next window', () => {
    assert.deepEqual(billableMinutes(0, 120), { minutes: 2, carrySeconds: 0 });
    assert.deepEqual(billableMinutes(0, 45), { minutes: 0, carrySeconds: 45 });
    assert.deepEqual(billableMinutes(45, 45), { minutes: 1, carrySeconds: 30 });
  });
});

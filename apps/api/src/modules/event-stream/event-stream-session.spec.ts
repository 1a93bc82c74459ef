import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { EventJson, RehearsalJson } from '@relay/contracts';
import type { TimelineEntryJson } from '../timeline/timeline.presenter';
import {
  EventStreamSession,
  type EventStreamTimings,
  KEEP_ALIVE_FRAME,
  type StatusSnapshot,
} from './event-stream-session';

const TIMINGS: EventStreamTimings = {
  minReadIntervalMs: 250,
  safetyReadIntervalMs: 5000,
  keepAliveIntervalMs: 15_000,
  timelinePageSize: 3,
};

/** Only the fields the session compares matter here. */
const event = (activeInput: string | null): EventJson => ({ id: 'e1', activeInput }) as unknown as EventJson;
const rehearsal = (status: string): RehearsalJson => ({ id: 'r1', status }) as unknown as RehearsalJson;
const entry = (id: number): TimelineEntryJson => ({
  id: String(id),
  at: '2026-11-21T09:00:00.000Z',
  type: 'failover',
  detail: {},
});

/** A fake database the test changes, counting reads and remembering each cursor asked for. */
function fakeState() {
  const state = {
    snapshot: { event: event('primary'), rehearsal: null, timeline: [] } as StatusSnapshot,
    entries: [] as TimelineEntryJson[],
    reads: 0,
    cursors: [] as Array<string | undefined>,
    fail: false,
    read: async (after: string | undefined): Promise<StatusSnapshot> => {
      state.reads++;
      state.cursors.push(after);
      if (state.fail) throw new Error('database away');
      const timeline = state.entries
        .filter((e) => after === undefined || BigInt(e.id) > BigInt(after))
        .slice(0, TIMINGS.timelinePageSize);
      return { ...state.snapshot, timeline };
    },
  };
  return state;
}

function fakeSink() {
  const sink = { frames: [] as string[], ended: false };
  return {
    sink,
    target: { write: (chunk: string) => void sink.frames.push(chunk), end: () => void (sink.ended = true) },
  };
}

/** Runs the timers due within `ms` and lets the reads they start settle. */
async function advance(ms: number): Promise<void> {
  mock.timers.tick(ms);
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const types = (frames: string[]) => frames.map((f) => /^event: (\w+)/.exec(f)?.[1] ?? f.trim());

describe('EventStreamSession', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  it('sends the event at once, then only when its JSON changes', async () => {
    const db = fakeState();
    const { sink, target } = fakeSink();
    const session = new EventStreamSession(db.read, target, undefined, () => undefined, TIMINGS);
    session.start();
    await advance(0);
    assert.deepEqual(types(sink.frames), ['event']);
    assert.match(sink.frames[0]!, /^event: event\ndata: \{"id":"e1","activeInput":"primary"\}\n\n$/);

    session.notify();
    await advance(300);
    assert.equal(db.reads, 2);
    assert.equal(sink.frames.length, 1, 'an unchanged event is not sent again');

    db.snapshot = { ...db.snapshot, event: event('backup') };
    session.notify();
    await advance(300);
    assert.deepEqual(types(sink.frames), ['event', 'event']);
    assert.match(sink.frames[1]!, /"activeInput":"backup"/);
    session.close();
  });

  it('coalesces a burst of notifications into one re-read per 250 ms', async () => {
    const db = fakeState();
    const { target } = fakeSink();
    const session = new EventStreamSession(db.read, target, undefined, () => undefined, TIMINGS);
    session.start();
    await advance(0);
    assert.equal(db.reads, 1);
    for (let i = 0; i < 50; i++) session.notify();
    await advance(100);
    assert.equal(db.reads, 1, 'no re-read within 250 ms of the last one');
    await advance(150);
    assert.equal(db.reads, 2, 'one re-read for the whole burst');
    await advance(1000);
    assert.equal(db.reads, 2, 'nothing more without a notification');
    session.close();
  });

  it('re-reads every 5 s without notifications (Redis away)', async () => {
    const db = fakeState();
    const { sink, target } = fakeSink();
    const session = new EventStreamSession(db.read, target, undefined, () => undefined, TIMINGS);
    session.start();
    await advance(0);
    db.snapshot = { ...db.snapshot, event: event('backup') };
    await advance(4900);
    assert.equal(db.reads, 1);
    await advance(100);
    assert.equal(db.reads, 2);
    assert.deepEqual(types(sink.frames), ['event', 'event']);
    session.close();
  });

  it('sends each new timeline entry once, in order, paging through a long burst', async () => {
    const db = fakeState();
    const { sink, target } = fakeSink();
    const session = new EventStreamSession(db.read, target, '10', () => undefined, TIMINGS);
    session.start();
    await advance(0);
    assert.deepEqual(db.cursors, ['10']);
    db.entries = [11, 12, 13, 14, 15].map(entry);
    session.notify();
    await advance(250);
    await advance(250); // a full page asks for the rest
    const sent = sink.frames.filter((f) => f.startsWith('event: timeline'));
    assert.deepEqual(
      sent.map((f) => (JSON.parse(f.split('data: ')[1]!) as TimelineEntryJson).id),
      ['11', '12', '13', '14', '15'],
    );
    assert.deepEqual(db.cursors, ['10', '10', '13']);
    session.notify();
    await advance(250);
    assert.equal(sink.frames.filter((f) => f.startsWith('event: timeline')).length, 5, 'none twice');
    session.close();
  });

  it('sends the latest rehearsal at once and on each change', async () => {
    const db = fakeState();
    db.snapshot = { ...db.snapshot, rehearsal: rehearsal('running') };
    const { sink, target } = fakeSink();
    const session = new EventStreamSession(db.read, target, undefined, () => undefined, TIMINGS);
    session.start();
    await advance(0);
    session.notify();
    await advance(250);
    db.snapshot = { ...db.snapshot, rehearsal: rehearsal('completed') };
    session.notify();
    await advance(250);
    assert.deepEqual(types(sink.frames), ['event', 'rehearsal', 'rehearsal']);
    session.close();
  });

  it('keeps the stream through failed re-reads, writes keep-alives, and ends when the event is deleted', async () => {
    const db = fakeState();
    const errors: unknown[] = [];
    const { sink, target } = fakeSink();
    const session = new EventStreamSession(db.read, target, undefined, (e) => errors.push(e), TIMINGS);
    session.start();
    await advance(0);
    db.fail = true;
    for (let i = 0; i < 3; i++) await advance(5000);
    assert.equal(errors.length, 3);
    assert.ok(sink.frames.includes(KEEP_ALIVE_FRAME));
    assert.equal(sink.ended, false);
    db.fail = false;
    db.snapshot = { ...db.snapshot, event: null };
    session.notify();
    await advance(250);
    assert.equal(sink.ended, true);
    assert.equal(session.isClosed, true);
    const reads = db.reads;
    await advance(20_000);
    assert.equal(db.reads, reads, 'no timer left once closed');
  });
});

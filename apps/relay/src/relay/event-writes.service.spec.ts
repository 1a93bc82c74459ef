import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError } from '@relay/prisma';
import { EventWriteQueue, type EventWriteLimits } from './event-writes.service';

const LIMITS: EventWriteLimits = {
  maxQueued: 100,
  maxQueuedPerEvent: 50,
  maxAgeMs: 10_000,
  retryMinDelayMs: 5,
  retryMaxDelayMs: 20,
};

function silentLogger(): {
  lines: string[];
  log(m: string): void;
  warn(m: string): void;
  error(m: string): void;
} {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

/** A database that is away until `back()` is called. */
function flakyDatabase(): { written: string[]; write(v: string): () => Promise<void>; back(): void } {
  let away = true;
  const written: string[] = [];
  return {
    written,
    write: (value) => async () => {
      if (away) throw new DatabaseError('unavailable', { code: 'ECONNREFUSED' });
      written.push(value);
    },
    back: () => (away = false),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventWriteQueue', () => {
  it('holds writes while the database is away and writes them in order when it is back', async () => {
    const db = flakyDatabase();
    const logger = silentLogger();
    const queue = new EventWriteQueue(LIMITS, logger);
    for (const value of ['a', 'b', 'c']) queue.enqueue('event-1', value, db.write(value));
    queue.enqueue('event-2', 'x', db.write('x'));
    await sleep(300); // many more attempts than the former fixed count would allow at this pace
    assert.equal(db.written.length, 0);
    assert.equal(queue.size, 4);
    db.back();
    await queue.drain(1000);
    assert.deepEqual(
      db.written.filter((v) => v !== 'x'),
      ['a', 'b', 'c'],
    );
    assert.ok(db.written.includes('x'));
    assert.ok(logger.lines.some((l) => /Database unavailable \(ECONNREFUSED\): holding/.test(l)));
    assert.ok(logger.lines.some((l) => /available again/.test(l)));
  });

  it('announces each event once its write is done, never while the database is away', async () => {
    const db = flakyDatabase();
    const announced: string[] = [];
    const queue = new EventWriteQueue(LIMITS, silentLogger(), (eventId) => announced.push(eventId));
    queue.enqueue('event-1', 'a', db.write('a'));
    queue.enqueue('event-2', 'x', db.write('x'));
    await sleep(50);
    assert.deepEqual(announced, []);
    db.back();
    await queue.drain(1000);
    assert.deepEqual(announced.sort(), ['event-1', 'event-2']);
  });

  it('drops a write that waited longer than maxAgeMs, then carries on', async () => {
    const db = flakyDatabase();
    const logger = silentLogger();
    const queue = new EventWriteQueue({ ...LIMITS, maxAgeMs: 60 }, logger);
    queue.enqueue('event-1', 'old', db.write('old'));
    await sleep(150);
    db.back();
    queue.enqueue('event-1', 'new', db.write('new'));
    await queue.drain(1000);
    assert.deepEqual(db.written, ['new']);
    assert.ok(logger.lines.some((l) => /Dropped write "old"/.test(l)));
  });

  it('keeps the newest writes when an event holds too many', async () => {
    const db = flakyDatabase();
    const queue = new EventWriteQueue({ ...LIMITS, maxQueuedPerEvent: 3 }, silentLogger());
    for (const value of ['1', '2', '3', '4', '5']) queue.enqueue('event-1', value, db.write(value));
    assert.equal(queue.size, 3);
    db.back();
    await queue.drain(1000);
    // '1' was being tried when the queue filled up; '2' and '3' made room for '4' and '5'.
    assert.deepEqual(db.written, ['1', '4', '5']);
  });

  it('logs and skips a write that fails for another reason', async () => {
    const logger = silentLogger();
    const queue = new EventWriteQueue(LIMITS, logger);
    const written: string[] = [];
    queue.enqueue('event-1', 'bad', async () => {
      throw new DatabaseError('unknown');
    });
    queue.enqueue('event-1', 'good', async () => {
      written.push('good');
    });
    await queue.drain(1000);
    assert.deepEqual(written, ['good']);
    assert.ok(logger.lines.some((l) => /Write "bad" of event event-1 failed/.test(l)));
  });

  it('never makes the caller wait', () => {
    const queue = new EventWriteQueue(LIMITS, silentLogger());
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) queue.enqueue(`event-${i % 10}`, 'w', () => new Promise(() => undefined));
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 200);
    assert.equal(queue.size, 100);
  });
});

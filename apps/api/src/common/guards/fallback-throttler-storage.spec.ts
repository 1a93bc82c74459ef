import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { FallbackThrottlerStorage, type ThrottlerStorageRecord } from './fallback-throttler-storage';

/** A stand-in for the Redis storage (Redis itself is covered by test/e2e/api-keys.e2e.ts). */
class SwitchableShared implements ThrottlerStorage {
  mode: 'up' | 'down' | 'hung' = 'up';
  calls = 0;
  increment(): Promise<ThrottlerStorageRecord> {
    this.calls += 1;
    if (this.mode === 'down') return Promise.reject(new Error("Stream isn't writeable"));
    if (this.mode === 'hung') return new Promise(() => undefined);
    return Promise.resolve({ totalHits: 1000, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  }
}

function setup() {
  const shared = new SwitchableShared();
  const lines: string[] = [];
  // The library's in-memory storage reads Date.now itself; only the fallback's retry clock is simulated.
  let now = Date.now();
  const storage = new FallbackThrottlerStorage(shared, new ThrottlerStorageService(), {
    logger: { log: (m) => lines.push(`log ${m}`), warn: (m) => lines.push(`warn ${m}`) },
    timeoutMs: 50,
    retryAfterMs: 1000,
    now: () => now,
  });
  const take = () => storage.increment('k', 60_000, 2, 60_000, 'default');
  return { shared, storage, lines, take, advance: (ms: number) => (now += ms) };
}

describe('FallbackThrottlerStorage', () => {
  it('counts in Redis while it answers', async () => {
    const { take, lines, storage } = setup();
    assert.equal((await take()).totalHits, 1000);
    assert.equal(storage.fallenBack, false);
    assert.deepEqual(lines, []);
  });

  it('counts in memory while Redis refuses, logging once when it falls back and once when Redis is back', async () => {
    const { shared, take, lines, advance, storage } = setup();
    shared.mode = 'down';
    const first = await take();
    assert.deepEqual([first.totalHits, first.isBlocked], [1, false]);
    assert.equal((await take()).totalHits, 2);
    const third = await take();
    assert.equal(third.isBlocked, true, 'the limit still holds in memory');
    assert.ok(third.timeToBlockExpire >= 1);
    assert.equal(shared.calls, 1, 'Redis is not asked again before the retry delay');
    assert.equal(storage.fallenBack, true);
    advance(1000);
    await take();
    assert.equal(shared.calls, 2, 'asked again after the retry delay');
    shared.mode = 'up';
    advance(1000);
    assert.equal((await take()).totalHits, 1000);
    assert.equal(storage.fallenBack, false);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, /^warn Rate limits counted in this API process only.*writeable/);
    assert.match(lines[1]!, /^log Rate limits are shared through Redis again/);
  });

  it('does not wait for a Redis that does not answer longer than the timeout', async () => {
    const { shared, take, lines } = setup();
    shared.mode = 'hung';
    const record = await take();
    assert.equal(record.totalHits, 1);
    assert.match(lines[0] ?? '', /no answer within 50 ms/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SwitcherSettings } from '@relay/media';
import { StreamKeyCache } from './stream-key-cache';

const settings = {} as SwitcherSettings;
const ingest = (eventId: string) => ({ eventId, role: 'primary' as const, settings });

describe('StreamKeyCache', () => {
  it('lets an accepted key back in, and not an unknown one', () => {
    const cache = new StreamKeyCache();
    cache.remember('key-a', ingest('e1'));
    assert.equal(cache.lookup('key-a')?.eventId, 'e1');
    assert.equal(cache.lookup('key-b'), null);
  });

  it('forgets a key after its time to live', () => {
    let now = 0;
    const cache = new StreamKeyCache(10, 1000, () => now);
    cache.remember('key-a', ingest('e1'));
    now = 999;
    assert.ok(cache.lookup('key-a'));
    now = 1000;
    assert.equal(cache.lookup('key-a'), null);
  });

  it('holds at most maxEntries keys, dropping the least recently accepted', () => {
    const cache = new StreamKeyCache(2);
    cache.remember('a', ingest('e1'));
    cache.remember('b', ingest('e2'));
    cache.remember('a', ingest('e1'));
    cache.remember('c', ingest('e3'));
    assert.equal(cache.size, 2);
    assert.equal(cache.lookup('b'), null);
    assert.ok(cache.lookup('a') && cache.lookup('c'));
  });

  it('forgets every key of a deleted event', () => {
    const cache = new StreamKeyCache();
    cache.remember('a', ingest('e1'));
    cache.remember('b', ingest('e1'));
    cache.remember('c', ingest('e2'));
    cache.forgetEvent('e1');
    assert.equal(cache.size, 1);
  });

  it("forgets a rotated key of one role and keeps the other role's", () => {
    const cache = new StreamKeyCache();
    cache.remember('old-primary', ingest('e1'));
    cache.remember('backup', { eventId: 'e1', role: 'backup', settings });
    cache.forgetIngest('e1', 'primary');
    assert.equal(cache.lookup('old-primary'), null);
    assert.equal(cache.lookup('backup')?.role, 'backup');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlateError, type SlateClip } from './slate-clip';
import { SlateClipCache } from './slate-clip-cache';
import { DEFAULT_SLATE_PARAMS, type SlateParams } from './slate-params';
import { syntheticSlateClip } from './testing/synthetic-slate-clip';

const P720 = DEFAULT_SLATE_PARAMS;
const P480: SlateParams = { ...DEFAULT_SLATE_PARAMS, width: 854, height: 480 };

function counting(fail = false) {
  const calls: SlateParams[] = [];
  const encode = (params: SlateParams): Promise<SlateClip> => {
    calls.push(params);
    return fail
      ? Promise.reject(new SlateError('ffmpeg failed'))
      : Promise.resolve(syntheticSlateClip(params));
  };
  return { calls, encode };
}

describe('SlateClipCache', () => {
  it('encodes each parameter set once, sharing the encode between concurrent requests', async () => {
    const { calls, encode } = counting();
    const cache = new SlateClipCache(encode);
    assert.equal(cache.get(P720), null);
    const [a, b] = await Promise.all([cache.prepare(P720), cache.prepare(P720)]);
    assert.equal(a, b);
    assert.equal(cache.get(P720), a);
    await cache.prepare(P480);
    assert.equal(calls.length, 2);
  });

  it('remembers a failed encode for a while instead of running ffmpeg at every request', async () => {
    let now = 0;
    const { calls, encode } = counting(true);
    const cache = new SlateClipCache(encode, 4, () => now);
    await assert.rejects(cache.prepare(P720), /ffmpeg failed/);
    await assert.rejects(cache.prepare(P720), /ffmpeg failed/);
    assert.equal(calls.length, 1);
    now += 31_000;
    await assert.rejects(cache.prepare(P720), /ffmpeg failed/);
    assert.equal(calls.length, 2);
  });

  it('keeps the most recently used clips only', async () => {
    const { calls, encode } = counting();
    const cache = new SlateClipCache(encode, 2);
    await cache.prepare(P720);
    await cache.prepare(P480);
    cache.get(P720);
    await cache.prepare({ ...P720, channels: 1 });
    assert.ok(cache.get(P720), 'recently used: kept');
    assert.equal(cache.get(P480), null, 'least recently used: evicted');
    assert.equal(calls.length, 3);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { synthetic } from '../testing/synthetic-tags';
import { GopHistory } from './gop-history';

const FRAME_MS = 33;

/** Feeds `frames` video frames (keyframe every `gop`) arriving one per FRAME_MS from wall clock `t0`. */
function feed(history: GopHistory, frames: number, gop: number, t0 = 0): number {
  for (let i = 0; i < frames; i++) {
    const key = i % gop === 0;
    history.record(
      (key ? synthetic.keyframe : synthetic.interframe)(1, i * FRAME_MS),
      key,
      t0 + i * FRAME_MS,
    );
  }
  return t0 + (frames - 1) * FRAME_MS;
}

describe('GopHistory', () => {
  it('keeps nothing before the first keyframe', () => {
    const h = new GopHistory();
    h.record(synthetic.interframe(1, 0), false, 0);
    assert.equal(h.hasKeyframe, false);
    assert.equal(h.tagCount, 0);
  });

  it('keeps its span plus at most two GOPs of wall clock', () => {
    const h = new GopHistory();
    h.setSpan(1000);
    const now = feed(h, 30 * 10, 30);
    assert.ok(h.keyframeCount <= 3, `${h.keyframeCount} GOPs kept`);
    const oldest = h.startCovering(-Infinity);
    assert.ok(now - oldest.arrivedAt <= 1000 + 2 * 30 * FRAME_MS, `${now - oldest.arrivedAt} ms kept`);
    assert.ok(now - oldest.arrivedAt >= 1000, 'covers the whole span');
  });

  it('starts a covering replay at the newest keyframe that arrived by then', () => {
    const h = new GopHistory();
    h.setSpan(2000);
    const now = feed(h, 100, 30); // keyframes arrive at 0, 990, 1980, 2970 ms
    assert.equal(h.newest().arrivedAt, 2970);
    assert.equal(h.startCovering(now).arrivedAt, 2970);
    assert.equal(h.startCovering(2000).arrivedAt, 1980);
    assert.equal(h.startCovering(1979).arrivedAt, 990);
    const start = h.startCovering(1979);
    assert.equal(h.replay(start)[0]!.timestamp, 990);
    assert.equal(h.replaySpanMs(start), now - 990);
    assert.equal(h.nextKeyframeExpectedAt(now), 2970 + 990, 'in DTS terms (here DTS = arrival)');
  });

  it('drops the oldest GOPs past its byte and tag bounds, and a lone GOP past them entirely', () => {
    const byTags = new GopHistory({ maxBytes: 1 << 20, maxTags: 50 });
    byTags.setSpan(60_000);
    feed(byTags, 100, 30);
    assert.ok(byTags.tagCount <= 50, `${byTags.tagCount} tags`);
    assert.equal(byTags.newest().arrivedAt, 90 * FRAME_MS);
    const lone = new GopHistory({ maxBytes: 1 << 20, maxTags: 50 });
    feed(lone, 60, 1000); // one keyframe, then 59 frames: no GOP boundary to cut at
    assert.equal(lone.hasKeyframe, false);
    assert.equal(lone.tagCount, 0, 'refills only from the next keyframe');
    const byBytes = new GopHistory({ maxBytes: 6 * 40, maxTags: 1000 });
    byBytes.setSpan(60_000);
    feed(byBytes, 100, 30);
    assert.ok(byBytes.byteLength <= 6 * 40, `${byBytes.byteLength} bytes`);
  });
});

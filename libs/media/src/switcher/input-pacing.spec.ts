import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputPacing, PACING_PROOF_MS, PACING_TOLERANCE_MS } from './input-pacing';

const FRAME_MS = 33;

/** Feeds `frames` video frames, `perStep` per 33 ms of wall clock, from DTS `ts` at wall clock `now`. */
function feed(p: InputPacing, at: { now: number; ts: number }, frames: number, perStep = 1): void {
  for (let i = 0; i < frames; i++) {
    if (i % perStep === 0) at.now += FRAME_MS;
    p.record(at.ts, at.now);
    at.ts += FRAME_MS;
  }
}

describe('InputPacing', () => {
  it('counts a real-time encoder as paced since its session started, once proven', () => {
    const p = new InputPacing();
    const at = { now: 10_000, ts: 500 };
    p.reset(at.now);
    feed(p, at, 10);
    assert.equal(p.pacedSince(at.now), null, 'not proven after 330 ms');
    feed(p, at, 10);
    assert.equal(p.pacedSince(at.now), 10_000);
    assert.equal(p.draining, false);
  });

  it('tolerates an encoder that writes in 100 ms batches', () => {
    const p = new InputPacing();
    const at = { now: 0, ts: 0 };
    p.reset(at.now);
    for (let batch = 0; batch < 60; batch++) {
      at.now += 100;
      for (let i = 0; i < 3; i++) p.record(at.ts + i * FRAME_MS, at.now);
      at.ts += 99;
      assert.equal(p.draining, false, `batch ${batch}: lead ${p.leadMs} ms`);
    }
    assert.ok(p.pacedSince(at.now) !== null);
  });

  it('sees a resumed encoder drain its backlog, and counts it paced again only after the burst', () => {
    const p = new InputPacing();
    const at = { now: 0, ts: 0 };
    p.reset(at.now);
    feed(p, at, 60);
    at.now += 4000; // frozen: nothing sent, its media clock stopped
    feed(p, at, 121, 8); // 4 s of media in ~0.5 s
    assert.ok(p.draining, `lead ${p.leadMs} ms`);
    assert.ok(p.peakLeadMs > 3000, `peak lead ${p.peakLeadMs} ms`);
    assert.equal(p.pacedSince(at.now), null);
    const burstEnd = at.now;
    let pacedAt: number | null = null;
    while (pacedAt === null && at.now < burstEnd + 5000) {
      feed(p, at, 1);
      if (p.pacedSince(at.now) !== null) pacedAt = at.now;
    }
    assert.ok(pacedAt !== null, 'paced again');
    assert.ok(pacedAt - burstEnd >= PACING_PROOF_MS, `paced ${pacedAt - burstEnd} ms after the burst`);
    assert.ok(pacedAt - burstEnd <= 1000 + PACING_PROOF_MS + FRAME_MS, `${pacedAt - burstEnd} ms`);
  });

  it('restarts the paced run after an arrival gap, and counts audio as arrivals', () => {
    const p = new InputPacing();
    const at = { now: 0, ts: 0 };
    p.reset(at.now);
    feed(p, at, 30);
    assert.ok(p.pacedSince(at.now) !== null);
    at.now += PACING_TOLERANCE_MS + 1;
    p.record(null, at.now);
    assert.equal(p.pacedSince(at.now), null, 'a gap restarts the proof');
    // 1 fps video with audio in between stays paced.
    for (let s = 0; s < 3; s++) {
      for (let a = 0; a < 47; a++) p.record(null, (at.now += 21));
      p.record((at.ts += 1000), at.now);
    }
    assert.ok(p.pacedSince(at.now) !== null);
  });
});

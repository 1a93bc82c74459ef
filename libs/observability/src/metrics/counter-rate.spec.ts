import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CounterRate } from './counter-rate';

describe('CounterRate', () => {
  it('is 0 until two samples are known', () => {
    const rate = new CounterRate(5000);
    assert.equal(rate.perSecond(), 0);
    rate.sample(1000, 0);
    assert.equal(rate.perSecond(), 0);
  });

  it('measures the increase per second over the last window only', () => {
    const rate = new CounterRate(5000);
    // 1000 bytes/s for 10 s, then 4000 bytes/s for 6 s.
    let bytes = 0;
    for (let t = 0; t <= 10_000; t += 1000) rate.sample((bytes = t), t);
    assert.equal(rate.perSecond(), 1000);
    for (let t = 11_000; t <= 16_000; t += 1000) rate.sample((bytes += 4000), t);
    assert.equal(rate.perSecond(), 4000);
  });

  it('starts again when the counter goes back (a restarted counter)', () => {
    const rate = new CounterRate(5000);
    rate.sample(50_000, 0);
    rate.sample(60_000, 1000);
    rate.sample(100, 2000);
    assert.equal(rate.perSecond(), 0);
    rate.sample(2100, 3000);
    assert.equal(rate.perSecond(), 2000);
  });
});

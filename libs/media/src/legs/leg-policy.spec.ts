import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LEG_POLICY, LegFailureWindow } from './leg-policy';

const policy = { maxBackoffMs: 30_000, giveUpAfterFailures: 3, giveUpWindowMs: 60_000 };

describe('LegFailureWindow', () => {
  it('gives up at the n-th failure within the window', () => {
    const window = new LegFailureWindow();
    const counts = [0, 10_000, 20_000].map((t) => window.record(t, policy));
    assert.deepEqual(counts, [1, 2, 3]);
    assert.deepEqual(
      counts.map((n) => LegFailureWindow.givesUp(n, policy)),
      [false, false, true],
    );
  });

  it('forgets failures older than the window', () => {
    const window = new LegFailureWindow();
    window.record(0, policy);
    window.record(30_000, policy);
    assert.equal(window.record(60_000, policy), 2, 'the failure at 0 is 60 s old: out of the window');
    assert.equal(window.record(200_000, policy), 1);
  });

  it('starts from zero after clear()', () => {
    const window = new LegFailureWindow();
    window.record(0, policy);
    window.record(1, policy);
    window.clear();
    assert.equal(window.record(2, policy), 1);
  });

  it('never gives up with giveUpAfterFailures 0', () => {
    assert.equal(LegFailureWindow.givesUp(1000, { ...policy, giveUpAfterFailures: 0 }), false);
  });

  it('defaults to 10 failures within 10 minutes, backoff capped at 30 s', () => {
    assert.deepEqual(DEFAULT_LEG_POLICY, {
      maxBackoffMs: 30_000,
      giveUpAfterFailures: 10,
      giveUpWindowMs: 600_000,
    });
    const window = new LegFailureWindow();
    let n = 0;
    for (let t = 0; t < 10; t++) n = window.record(t * 59_000, DEFAULT_LEG_POLICY);
    assert.equal(n, 10);
    assert.ok(LegFailureWindow.givesUp(n, DEFAULT_LEG_POLICY));
  });
});

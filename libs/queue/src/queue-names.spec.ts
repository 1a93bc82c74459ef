import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { legRestartDelayMs } from './queue-names';

describe('legRestartDelayMs', () => {
  it('retries the first failure within a second', () => {
    for (let i = 0; i < 100; i++) assert.ok(legRestartDelayMs(1, 500, 30_000) <= 1000);
  });

  it('doubles the ceiling per attempt up to the cap', () => {
    assert.equal(
      legRestartDelayMs(3, 500, 30_000, () => 1),
      2000,
    );
    assert.equal(
      legRestartDelayMs(20, 500, 30_000, () => 1),
      30_000,
    );
    assert.equal(
      legRestartDelayMs(20, 500, 30_000, () => 0),
      15_000,
    );
  });

  it('stays within [ceiling/2, ceiling] and under the cap, whatever the attempt', () => {
    for (let attempt = 1; attempt <= 40; attempt++) {
      const ceiling = Math.min(10_000, 500 * 2 ** (attempt - 1));
      for (const r of [0, 0.3, 0.999, 1]) {
        const delay = legRestartDelayMs(attempt, 500, 10_000, () => r);
        assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}: ${delay} ms`);
      }
    }
  });
});

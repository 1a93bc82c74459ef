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
      250,
    );
  });
});

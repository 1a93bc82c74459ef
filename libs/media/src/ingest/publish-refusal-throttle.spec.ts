import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublishRefusalThrottle } from './publish-refusal-throttle';

describe('PublishRefusalThrottle', () => {
  it('answers the first refusals at once, then doubles the wait up to 8 s', () => {
    const throttle = new PublishRefusalThrottle(() => 0);
    const delays = [];
    for (let i = 0; i < 9; i++) {
      delays.push(throttle.delayFor('10.0.0.1'));
      throttle.refused('10.0.0.1');
    }
    assert.deepEqual(delays, [0, 0, 0, 500, 1000, 2000, 4000, 8000, 8000]);
    assert.equal(throttle.delayFor('10.0.0.2'), 0);
  });

  it('forgets an address 10 minutes after its last refusal', () => {
    let now = 0;
    const throttle = new PublishRefusalThrottle(() => now);
    for (let i = 0; i < 5; i++) throttle.refused('10.0.0.1');
    assert.ok(throttle.delayFor('10.0.0.1') > 0);
    now = 10 * 60_000 + 1;
    assert.equal(throttle.delayFor('10.0.0.1'), 0);
  });

  it('lets one delayed publish per address wait at a time', () => {
    const throttle = new PublishRefusalThrottle();
    assert.equal(throttle.beginWait('a'), true);
    assert.equal(throttle.beginWait('a'), false);
    throttle.endWait('a');
    assert.equal(throttle.beginWait('a'), true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { higherPlan, planLifting } from './plans';

describe('planLifting', () => {
  it('names the lowest higher plan that allows what was asked', () => {
    assert.equal(planLifting('free', 'liveEvents', 2), 'creator');
    assert.equal(planLifting('free', 'destinationsPerEvent', 6), 'pro');
    assert.equal(planLifting('free', 'backupIngest', true), 'creator');
    assert.equal(planLifting('creator', 'liveEvents', 3), 'pro');
  });

  it('answers null when no plan lifts the limit', () => {
    assert.equal(planLifting('pro', 'liveEvents', 11), null);
    assert.equal(planLifting('free', 'destinationsPerEvent', 1000), null);
  });

  it('orders plans free < creator < pro', () => {
    assert.equal(higherPlan('free', 'pro'), 'pro');
    assert.equal(higherPlan('creator', 'free'), 'creator');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subscriptionOrderKey } from './subscription-order';

describe('subscriptionOrderKey', () => {
  it('orders events by Stripe created time first', () => {
    assert.ok(subscriptionOrderKey(101, 'incomplete', false) > subscriptionOrderKey(100, 'canceled', true));
  });

  it('within one second, orders by lifecycle and puts a deletion last', () => {
    const created = subscriptionOrderKey(100, 'incomplete', false);
    const active = subscriptionOrderKey(100, 'active', false);
    const deleted = subscriptionOrderKey(100, 'canceled', true);
    assert.ok(created < active && active < deleted);
  });
});

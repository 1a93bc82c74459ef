import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { startStripeStandIn, type StripeStandIn } from '../utils/stripe-stand-in';

// Billing on (the Stripe API is a local stand-in, a mock: api.stripe.com cannot be reached here); the
// organization has no subscription, so the free plan applies: 1 event on air, 2 destinations per event.

const ROUNDS = 3;
const CONCURRENT = 10;

interface ErrorBody {
  error: { code: string; details?: Array<{ field: string }> };
}

describe('Plan limits under concurrent requests', { timeout: 90_000 }, () => {
  let stack: RelayStack;
  let standIn: StripeStandIn;

  before(async () => {
    standIn = await startStripeStandIn();
    stack = await startRelayStack({
      STRIPE_SECRET_KEY: 'sk_test_stand_in',
      STRIPE_WEBHOOK_SECRET: 'whsec_test_race',
      STRIPE_API_BASE: standIn.url,
      STRIPE_PRICE_CREATOR: 'price_creator_test',
      STRIPE_PRICE_PRO: 'price_pro_test',
    });
  });

  after(async () => {
    await stack?.stop();
    await standIn?.close();
  });

  /** Status codes of the answers, sorted, and the 402s' error codes and limits. */
  const tally = (answers: Array<{ status: number; body: unknown }>) => ({
    ok: answers.filter((a) => a.status >= 200 && a.status < 300).length,
    refused: answers.filter((a) => a.status === 402).length,
    codes: [
      ...new Set(
        answers
          .filter((a) => a.status === 402)
          .map((a) => {
            const e = (a.body as ErrorBody).error;
            return `${e.code}:${e.details?.[0]?.field ?? ''}`;
          }),
      ),
    ],
  });

  it('lets exactly one of 10 events started at the same instant go on air on the free plan', async () => {
    const events: string[] = [];
    for (let i = 0; i < CONCURRENT; i++)
      events.push((await stack.request<{ id: string }>('POST', '/v1/events', { name: `race ${i}` })).body.id);
    for (let round = 1; round <= ROUNDS; round++) {
      const answers = await Promise.all(events.map((id) => stack.request('POST', `/v1/events/${id}/start`)));
      assert.deepEqual(
        tally(answers),
        { ok: 1, refused: CONCURRENT - 1, codes: ['plan_limit_reached:liveEvents'] },
        `round ${round}`,
      );
      const onAir = [];
      for (const id of events) {
        const event = await stack.request<{ status: string }>('GET', `/v1/events/${id}`);
        if (event.body.status === 'standby' || event.body.status === 'live') onAir.push(id);
      }
      assert.equal(onAir.length, 1, `round ${round}: events on air`);
      assert.equal((await stack.request('POST', `/v1/events/${onAir[0]!}/stop`)).status, 202);
    }
  });

  it('adds exactly 2 of 10 destinations added to one event at the same instant on the free plan', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const event = (
        await stack.request<{ id: string }>('POST', '/v1/events', { name: `dest race ${round}` })
      ).body.id;
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          stack.request('POST', `/v1/events/${event}/destinations`, {
            name: `d${i}`,
            url: 'rtmp://127.0.0.1:1/live',
          }),
        ),
      );
      assert.deepEqual(
        tally(answers),
        { ok: 2, refused: CONCURRENT - 2, codes: ['plan_limit_reached:destinationsPerEvent'] },
        `round ${round}`,
      );
      const stored = await stack.request<{ destinations: unknown[] }>('GET', `/v1/events/${event}`);
      assert.equal(stored.body.destinations.length, 2, `round ${round}: destinations stored`);
    }
  });
});

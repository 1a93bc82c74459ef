import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import Stripe from 'stripe';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { startStripeStandIn, type StripeStandIn } from '../utils/stripe-stand-in';

// The Stripe API is a local stand-in (a mock: api.stripe.com cannot be reached here); webhook signatures
// are made with Stripe's own helper, as Stripe signs them.

const WEBHOOK_SECRET = 'whsec_test_billing_e2e_secret';
const PRICE_CREATOR = 'price_creator_test';
const PRICE_PRO = 'price_pro_test';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; rule: string }> };
}

const stripe = new Stripe('sk_test_signing_only');

/** A Stripe subscription event as Stripe would send it. */
function subscriptionEvent(
  id: string,
  type: 'created' | 'updated' | 'deleted',
  created: number,
  sub: { id: string; org: string; status: string; price: string; customer?: string },
): Record<string, unknown> {
  return {
    id,
    object: 'event',
    type: `customer.subscription.${type}`,
    created,
    livemode: false,
    data: {
      object: {
        id: sub.id,
        object: 'subscription',
        customer: sub.customer ?? 'cus_unknown',
        status: sub.status,
        metadata: { organizationId: sub.org },
        items: { object: 'list', data: [{ id: `si_${sub.id}`, price: { id: sub.price } }] },
      },
    },
  };
}

/** Shuffles with a seeded generator, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('Stripe billing', { timeout: 120_000 }, () => {
  let stack: RelayStack;
  let standIn: StripeStandIn;
  let db: Client;
  let orgId: string;
  let usageQueue: Queue;

  const postWebhook = async (
    payload: string,
    signature: string | null,
  ): Promise<{ status: number; body: unknown; ms: number }> => {
    const started = Date.now();
    const response = await fetch(`${stack.apiUrl}/v1/billing/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      body: payload,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, ms: Date.now() - started };
  };
  const send = (event: Record<string, unknown>) => {
    const payload = JSON.stringify(event);
    return postWebhook(
      payload,
      stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    );
  };
  const subscriptionRow = async (id: string) =>
    (
      await db.query<{ status: string; plan: string; price_id: string }>(
        'SELECT status, plan, price_id FROM billing_subscriptions WHERE id = $1',
        [id],
      )
    ).rows[0];
  const allProcessed = async () =>
    (await db.query<{ n: string }>('SELECT count(*) AS n FROM stripe_events WHERE processed_at IS NULL'))
      .rows[0]!.n === '0';

  before(async () => {
    standIn = await startStripeStandIn();
    stack = await startRelayStack({
      STRIPE_SECRET_KEY: 'sk_test_stand_in',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: standIn.url,
      STRIPE_PRICE_CREATOR: PRICE_CREATOR,
      STRIPE_PRICE_PRO: PRICE_PRO,
    });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const key = createHash('sha256').update(stack.apiKey).digest('hex');
    orgId = (
      await db.query<{ organization_id: string }>(
        'SELECT organization_id FROM api_keys WHERE secret_hash = $1',
        [key],
      )
    ).rows[0]!.organization_id;
    const redis = new URL(stack.redis.url);
    usageQueue = new Queue('billing-usage', {
      connection: { host: redis.hostname, port: Number(redis.port) },
    });
  });

  after(async () => {
    await usageQueue?.close();
    await db?.end();
    await stack?.stop();
    await standIn?.close();
  });

  it('refuses a forged or missing signature with 400 and stores nothing', async () => {
    const event = subscriptionEvent('evt_forged', 'created', 1_700_000_000, {
      id: 'sub_forged',
      org: orgId,
      status: 'active',
      price: PRICE_PRO,
    });
    const payload = JSON.stringify(event);
    const forged = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' });
    const tampered = stripe.webhooks.generateTestHeaderString({
      payload: payload.replace('active', 'trialing'),
      secret: WEBHOOK_SECRET,
    });
    for (const signature of [forged, tampered, null, 't=1,v1=00']) {
      const response = await postWebhook(payload, signature);
      assert.equal(response.status, 400);
      assert.equal((response.body as ErrorBody).error.code, 'validation_failed');
    }
    assert.equal((await db.query(`SELECT 1 FROM stripe_events WHERE id = 'evt_forged'`)).rowCount, 0);
    assert.equal(await subscriptionRow('sub_forged'), undefined);
  });

  it('enforces the free plan: a third destination and a second event on air answer 402 naming the limit and the plan', async () => {
    const status = await stack.request<{ plan: string }>('GET', '/v1/billing');
    assert.equal(status.body.plan, 'free');
    const e1 = await stack.request<{ id: string; ingest: { backup: { url: string } } }>(
      'POST',
      '/v1/events',
      {
        name: 'One',
      },
    );
    for (const n of [1, 2]) {
      const ok = await stack.request('POST', `/v1/events/${e1.body.id}/destinations`, {
        name: `d${n}`,
        url: 'rtmp://127.0.0.1:1/live',
      });
      assert.equal(ok.status, 201);
    }
    const third = await stack.request<ErrorBody>('POST', `/v1/events/${e1.body.id}/destinations`, {
      name: 'd3',
      url: 'rtmp://127.0.0.1:1/live',
    });
    assert.equal(third.status, 402);
    assert.equal(third.body.error.code, 'plan_limit_reached');
    assert.match(
      third.body.error.message,
      /free plan allows 2 destinations per event; the creator plan allows 5/,
    );
    assert.deepEqual(third.body.error.details?.[0], {
      field: 'destinationsPerEvent',
      rule: 'upgrade:creator',
      message: third.body.error.message,
    });

    assert.equal((await stack.request('POST', `/v1/events/${e1.body.id}/start`)).status, 202);
    const refused = startFfmpegPublisher({ url: e1.body.ingest.backup.url, maxDurationSec: 30 });
    try {
      await waitFor(
        () =>
          stack
            .logs()
            .some((l) => /backup publish refused: the organization's plan has no backup ingest/.test(l)),
        {
          timeoutMs: 20_000,
          message: 'backup publish refused on the free plan',
        },
      );
    } finally {
      await refused.stop();
    }
    assert.ok(
      !stack.logs().some((l) => l.includes(e1.body.ingest.backup.url.split('/').pop()!)),
      'stream key never logged',
    );
    // Its own refusal, shown to the user, and no wrong-key slowdown of the encoder's address.
    await waitFor(
      async () =>
        (
          await stack.request<{
            items: Array<{ type: string; input?: string; detail: { reason?: string } }>;
          }>('GET', `/v1/events/${e1.body.id}/timeline`)
        ).body.items.some(
          (t) =>
            t.type === 'ingest_refused' &&
            t.input === 'backup' &&
            t.detail.reason === 'plan_has_no_backup_ingest',
        ),
      { timeoutMs: 10_000, message: 'ingest_refused timeline entry' },
    );
    assert.ok(stack.logs().some((l) => /publish refused: plan_has_no_backup_ingest/.test(l)));
    assert.ok(!stack.logs().some((l) => /unknown stream key/.test(l)), 'not counted as a wrong key');
    const e2 = await stack.request<{ id: string }>('POST', '/v1/events', { name: 'Two' });
    const second = await stack.request<ErrorBody>('POST', `/v1/events/${e2.body.id}/start`);
    assert.equal(second.status, 402);
    assert.match(
      second.body.error.message,
      /free plan allows 1 events on air at once; the creator plan allows 2/,
    );
    assert.equal(second.body.error.details?.[0]?.field, 'liveEvents');
    const e2Now = await stack.request<{ status: string }>('GET', `/v1/events/${e2.body.id}`);
    assert.equal(e2Now.body.status, 'idle', 'a refused start changes nothing');

    // A creator subscription lifts both limits.
    const response = await send(
      subscriptionEvent('evt_creator_1', 'created', 1_700_000_100, {
        id: 'sub_creator',
        org: orgId,
        status: 'active',
        price: PRICE_CREATOR,
      }),
    );
    assert.equal(response.status, 200);
    assert.ok(response.ms < 1000, `webhook answered in ${response.ms} ms`);
    await waitFor(
      async () => (await stack.request<{ plan: string }>('GET', '/v1/billing')).body.plan === 'creator',
      {
        timeoutMs: 10_000,
        message: 'plan becomes creator',
      },
    );
    // Backup ingest: refused by the relay on the free plan (checked above), accepted on creator.
    const backup = startFfmpegPublisher({ url: e1.body.ingest.backup.url, maxDurationSec: 30 });
    try {
      await waitFor(
        async () =>
          (await stack.request<{ ingest: { backup: { state: string } } }>('GET', `/v1/events/${e1.body.id}`))
            .body.ingest.backup.state === 'live',
        { timeoutMs: 20_000, message: 'backup ingest live on the creator plan' },
      );
    } finally {
      await backup.stop();
    }
    assert.equal((await stack.request('POST', `/v1/events/${e2.body.id}/start`)).status, 202);
    assert.equal(
      (
        await stack.request('POST', `/v1/events/${e1.body.id}/destinations`, {
          name: 'd3',
          url: 'rtmp://127.0.0.1:1/live',
        })
      ).status,
      201,
    );
    for (const id of [e1.body.id, e2.body.id]) await stack.request('POST', `/v1/events/${id}/stop`);
  });

  it('applies a redelivered event once', async () => {
    const event = subscriptionEvent('evt_dup', 'updated', 1_700_000_200, {
      id: 'sub_dup',
      org: orgId,
      status: 'trialing',
      price: PRICE_CREATOR,
    });
    const first = await send(event);
    const again = await send(event);
    assert.deepEqual([first.status, again.status], [200, 200]);
    await waitFor(allProcessed, { timeoutMs: 10_000, message: 'events processed' });
    const third = await send(event);
    assert.deepEqual(third.body, { received: true, duplicate: true });
    assert.equal((await db.query(`SELECT 1 FROM stripe_events WHERE id = 'evt_dup'`)).rowCount, 1);
    assert.deepEqual(await subscriptionRow('sub_dup'), {
      status: 'trialing',
      plan: 'creator',
      price_id: PRICE_CREATOR,
    });
  });

  it("ends a shuffled replay of a subscription's events in the same state as the ordered delivery", async () => {
    const other = (
      await db.query<{ id: string }>(
        `INSERT INTO organizations (id, name) VALUES (gen_random_uuid(), 'replay') RETURNING id`,
      )
    ).rows[0]!.id;
    const lifecycle = (sub: string, withDelete: boolean) => {
      const s = { id: sub, org: other };
      const events = [
        subscriptionEvent(`${sub}_e1`, 'created', 1_700_001_000, {
          ...s,
          status: 'incomplete',
          price: PRICE_CREATOR,
        }),
        subscriptionEvent(`${sub}_e2`, 'updated', 1_700_001_000, {
          ...s,
          status: 'active',
          price: PRICE_CREATOR,
        }),
        subscriptionEvent(`${sub}_e3`, 'updated', 1_700_001_050, {
          ...s,
          status: 'active',
          price: PRICE_PRO,
        }),
        subscriptionEvent(`${sub}_e4`, 'updated', 1_700_001_090, {
          ...s,
          status: 'past_due',
          price: PRICE_PRO,
        }),
      ];
      if (withDelete)
        events.push(
          subscriptionEvent(`${sub}_e5`, 'deleted', 1_700_001_100, {
            ...s,
            status: 'canceled',
            price: PRICE_PRO,
          }),
        );
      return events;
    };
    for (const withDelete of [false, true]) {
      const runs = [0, 1, 2, 3].map((seed) => ({ sub: `sub_replay_${String(withDelete)}_${seed}`, seed }));
      for (const { sub, seed } of runs) {
        const events = lifecycle(sub, withDelete);
        for (const event of seed === 0 ? events : shuffled(events, seed))
          assert.equal((await send(event)).status, 200);
      }
      await waitFor(allProcessed, { timeoutMs: 10_000, message: 'events processed' });
      const expected = withDelete
        ? { status: 'canceled', plan: 'pro', price_id: PRICE_PRO }
        : { status: 'past_due', plan: 'pro', price_id: PRICE_PRO };
      for (const { sub } of runs) assert.deepEqual(await subscriptionRow(sub), expected, sub);
    }
    // Only the canceled subscriptions' organization: every subscription of it is canceled or past due.
    const plans = await db.query<{ plan: string }>(
      `SELECT plan FROM billing_subscriptions WHERE organization_id = $1 AND status = 'canceled'`,
      [other],
    );
    assert.equal(plans.rowCount, 4);
  });

  it('creates checkout and portal sessions at Stripe and answers their URLs', async () => {
    const checkout = await stack.request<{ id: string; url: string }>(
      'POST',
      '/v1/billing/checkout-session',
      {
        plan: 'pro',
        successUrl: 'https://app.example.com/billing/ok',
        cancelUrl: 'https://app.example.com/billing',
      },
    );
    assert.equal(checkout.status, 201);
    assert.match(checkout.body.url, new RegExp(`^${standIn.url}/checkout/cs_test_`));
    const call = standIn.calls.find((c) => c.path === '/v1/checkout/sessions');
    assert.equal(call?.params['line_items[0][price]'], PRICE_PRO);
    assert.equal(call?.params['subscription_data[metadata][organizationId]'], orgId);
    const portal = await stack.request<{ url: string }>('POST', '/v1/billing/portal-session', {
      returnUrl: 'https://app.example.com/billing',
    });
    assert.equal(portal.status, 201);
    assert.match(portal.body.url, new RegExp(`^${standIn.url}/portal/bps_test_`));
    const bad = await stack.request<ErrorBody>('POST', '/v1/billing/checkout-session', {
      plan: 'free',
      successUrl: 'x',
      cancelUrl: 'y',
    });
    assert.equal(bad.status, 400);
  });

  it('sends destination-minutes on air as meter events (time on air integrated over each window), once per window even when answers are lost and the job is retried', async () => {
    const windowMs = 60_000;
    const ws = Math.floor(Date.now() / windowMs) * windowMs - 10 * windowMs;
    const at = (offsetSec: number) => new Date(ws + offsetSec * 1000).toISOString();
    const event = (
      await db.query<{ id: string }>(
        `INSERT INTO events (id, organization_id, name, status, updated_at) VALUES (gen_random_uuid(), $1, 'metered', 'live', now()) RETURNING id`,
        [orgId],
      )
    ).rows[0]!.id;
    // Leg rows and timeline entries as the relay writes them (leg_connected when live, leg_failed when down).
    const leg = async (name: string, state: string, entries: Array<[string, number]>) => {
      const id = (
        await db.query<{ id: string }>(
          `INSERT INTO destinations (id, event_id, name, url, state, updated_at) VALUES (gen_random_uuid(), $1, $2, 'rtmp://127.0.0.1:1/live', $3, now()) RETURNING id`,
          [event, name, state],
        )
      ).rows[0]!.id;
      for (const [type, offset] of entries)
        await db.query(
          `INSERT INTO timeline_entries (event_id, type, destination_id, at) VALUES ($1, $2::timeline_type, $3, $4)`,
          [event, type, id, at(offset)],
        );
    };
    await leg('live before the window, still live', 'live', [['leg_connected', -30]]);
    await leg('live 30 s inside the window', 'retrying', [
      ['leg_connected', 15],
      ['leg_failed', 45],
    ]);
    await leg('live for the last 10 s', 'live', [['leg_connected', 50]]);

    const windowStart = new Date(ws).toISOString();
    const identifier = `usage:${orgId}:${windowStart}`;
    standIn.dropMeterEventAnswers(3); // the first job attempt loses every answer (the SDK tries 3 times)
    await usageQueue.add(
      'report-usage',
      { windowStart },
      { attempts: 5, backoff: { type: 'fixed', delay: 500 } },
    );
    const sent = (id: string) => async () =>
      (
        await db.query(`SELECT 1 FROM billing_usage_reports WHERE identifier = $1 AND sent_at IS NOT NULL`, [
          id,
        ])
      ).rowCount === 1;
    await waitFor(sent(identifier), { timeoutMs: 30_000, message: 'usage window sent' });
    // The same window again (a duplicate job) sends nothing more.
    await usageQueue.add('report-usage', { windowStart });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const requests = standIn.calls.filter(
      (c) => c.path === '/v1/billing/meter_events' && c.params.identifier === identifier,
    );
    assert.ok(requests.length >= 4, `retried: ${requests.length} requests`);
    assert.ok(requests.every((r) => r.idempotencyKey === identifier));
    const counted = standIn.meterEvents.get(identifier);
    // 60 + 30 + 10 = 100 s on air: 1 destination-minute, 40 s carried to the next window.
    assert.deepEqual(
      {
        value: counted?.value,
        eventName: counted?.eventName,
        customer: counted?.customer.startsWith('cus_test_'),
      },
      { value: 1, eventName: 'destination_minutes', customer: true },
    );
    assert.equal([...standIn.meterEvents.keys()].filter((k) => k === identifier).length, 1);

    // Next window: two legs live throughout (120 s) + 40 s carried = 2 minutes, 40 s carried.
    const nextStart = new Date(ws + windowMs).toISOString();
    const nextId = `usage:${orgId}:${nextStart}`;
    await usageQueue.add('report-usage', { windowStart: nextStart });
    await waitFor(sent(nextId), { timeoutMs: 15_000, message: 'next usage window sent' });
    assert.equal(standIn.meterEvents.get(nextId)?.value, 2);
    const stored = await db.query<{ on_air_seconds: number; carry_seconds: number; value: number }>(
      `SELECT on_air_seconds, carry_seconds, value FROM billing_usage_reports WHERE identifier IN ($1, $2) ORDER BY window_start`,
      [identifier, nextId],
    );
    assert.deepEqual(stored.rows, [
      { on_air_seconds: 100, carry_seconds: 40, value: 1 },
      { on_air_seconds: 120, carry_seconds: 40, value: 2 },
    ]);
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { verifyWebhookSignature, type EventJson, type WebhookPayloadJson } from '@relay/contracts';
import type { WebhookJson } from '../../apps/api/src/modules/webhooks/webhook.presenter';
import { waitForEncoders } from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { insertOrganizationWithKey } from '../utils/organizations';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../utils/webhook-receiver';

interface ErrorBody {
  error: { code: string; message: string };
}

/** The check README "Webhooks" tells a receiver to make, written out rather than through the library. */
function verifiedAsDocumented(received: ReceivedWebhook, secret: string): boolean {
  const header = String(received.headers['relay-signature']);
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  return createHmac('sha256', secret).update(`${t}.${received.body}`).digest('hex') === v1;
}

const typeOf = (r: ReceivedWebhook): string => (JSON.parse(r.body) as WebhookPayloadJson).type;

describe('outgoing webhooks', { timeout: 150_000 }, () => {
  let stack: RelayStack;
  let db: Client;
  let receiver: WebhookReceiver;
  let destination: TestNginxRtmp;
  let primary: Publisher | null = null;
  let backup: Publisher | null = null;
  const otherOrgKey = 'rrk_webhooks_other_organization_0123456789';

  before(async () => {
    // Loopback receivers need private URLs allowed; retries 1, 2, 4 … s apart instead of 30 s.
    stack = await startRelayStack({
      WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_DELAY_MS: '1000',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    receiver = await startWebhookReceiver();
    destination = await startNginxRtmp();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await insertOrganizationWithKey(db, otherOrgKey);
  });

  after(async () => {
    await Promise.all([primary?.stop(), backup?.stop()]);
    await db?.end();
    await stack?.stop();
    await receiver?.stop();
    await destination?.stop();
  });

  it('validates registrations, bounds them per organization and hides them from other organizations', async () => {
    const bad: unknown[] = [
      { url: 'ftp://127.0.0.1/hook', events: ['event.live'] },
      { url: `${receiver.url}/x`, events: ['event.unknown'] },
      { url: `${receiver.url}/x`, events: [] },
      { url: `${receiver.url}/x`, events: ['event.live', 'event.live'] },
      { url: `${receiver.url}/${'a'.repeat(2100)}`, events: ['event.live'] },
      { url: `${receiver.url}/x`, events: ['event.live'], secret: 'mine' },
    ];
    for (const body of bad) {
      const answer = await stack.request<ErrorBody>('POST', '/v1/webhooks', body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 200));
      assert.equal(answer.body.error.code, 'validation_failed');
    }
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await stack.request<WebhookJson>('POST', '/v1/webhooks', {
        url: `${receiver.url}/bulk-${i}`,
        events: ['rehearsal.completed'],
      });
      assert.equal(created.status, 201);
      assert.match(created.body.secret ?? '', /^whsec_[A-Za-z0-9_-]{43}$/);
      ids.push(created.body.id);
    }
    const tooMany = await stack.request<ErrorBody>('POST', '/v1/webhooks', {
      url: `${receiver.url}/bulk-20`,
      events: ['event.live'],
    });
    assert.equal(tooMany.status, 409);

    const id = ids[0]!;
    const shown = await stack.request<WebhookJson>('GET', `/v1/webhooks/${id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.secret, undefined, 'the secret is shown at creation only');
    assert.deepEqual(shown.body.deliveries, []);
    const patched = await stack.request<WebhookJson>('PATCH', `/v1/webhooks/${id}`, {
      events: ['leg.failed'],
      description: 'ops pager',
      enabled: false,
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(
      [patched.body.events, patched.body.description, patched.body.enabled],
      [['leg.failed'], 'ops pager', false],
    );

    for (const [method, body] of [['GET'], ['PATCH', { enabled: true }], ['DELETE']] as const) {
      const answer = await stack.request<ErrorBody>(method, `/v1/webhooks/${id}`, body, otherOrgKey);
      assert.equal(answer.status, 404, `${method} by another organization`);
    }
    assert.deepEqual((await stack.request('GET', '/v1/webhooks', undefined, otherOrgKey)).body, {
      items: [],
    });
    assert.equal((await stack.request('GET', '/v1/webhooks/not-a-uuid')).status, 404);

    for (const bulk of ids) assert.equal((await stack.request('DELETE', `/v1/webhooks/${bulk}`)).status, 204);
    assert.deepEqual((await stack.request('GET', '/v1/webhooks')).body, { items: [] });
  });

  it('signs event.live, event.failover and event.failback of a real failover, and retries a failing receiver', async () => {
    const register = async (path: string, events: string[]): Promise<WebhookJson> => {
      const created = await stack.request<WebhookJson>('POST', '/v1/webhooks', {
        url: `${receiver.url}${path}`,
        events,
        description: `e2e ${path}`,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    };
    const main = await register('/main', ['event.live', 'event.failover', 'event.failback']);
    const flaky = await register('/flaky', ['event.live']);
    receiver.failNext('/flaky', 2);

    const created = await stack.request<EventJson>('POST', '/v1/events', {
      name: 'Webhooks e2e',
      failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 3000 },
    });
    assert.equal(created.status, 201);
    const event = created.body;
    const added = await stack.request('POST', `/v1/events/${event.id}/destinations`, {
      name: 'nginx',
      url: destination.url,
      streamKey: 'webhooks-destination-key',
    });
    assert.equal(added.status, 201);
    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;

    primary = startFfmpegPublisher({ url: event.ingest.primary.url, width: 640, height: 360, gopFrames: 30 });
    backup = startFfmpegPublisher({ url: event.ingest.backup.url, width: 640, height: 360, gopFrames: 30 });
    await waitForEncoders(stack, event.id);
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
    await waitFor(() => receiver.to('/main').length >= 1, {
      timeoutMs: 30_000,
      message: 'event.live delivered',
    });

    // The flaky receiver answered 500 once: the delivery shows it and when the next attempt comes.
    const afterFirstFailure = await waitFor(
      async () => {
        const d = (await stack.request<WebhookJson>('GET', `/v1/webhooks/${flaky.id}`)).body.deliveries?.[0];
        return d && d.attempts >= 1 ? d : null;
      },
      { timeoutMs: 10_000, message: 'first attempt of the flaky delivery recorded' },
    );
    if (afterFirstFailure.attempts === 1) {
      assert.equal(afterFirstFailure.status, 'pending');
      assert.equal(afterFirstFailure.lastStatusCode, 500);
      assert.match(afterFirstFailure.lastError ?? '', /HTTP 500/);
      assert.ok(afterFirstFailure.nextAttemptAt, 'next attempt scheduled');
    }

    await waitFor(async () => (await getEvent()).activeInput === 'primary', { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    primary.kill();
    await waitFor(() => receiver.to('/main').some((r) => typeOf(r) === 'event.failover'), {
      timeoutMs: 15_000,
      message: 'event.failover delivered',
    });
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, width: 640, height: 360, gopFrames: 30 });
    await waitFor(() => receiver.to('/main').some((r) => typeOf(r) === 'event.failback'), {
      timeoutMs: 30_000,
      message: 'event.failback delivered',
    });

    const main3 = receiver.to('/main');
    assert.deepEqual(main3.map(typeOf), ['event.live', 'event.failover', 'event.failback']);
    const secret = main.secret!;
    for (const delivery of main3) {
      const payload = JSON.parse(delivery.body) as WebhookPayloadJson;
      assert.equal(delivery.headers['relay-event-id'], payload.id);
      assert.equal(delivery.headers['relay-event-type'], payload.type);
      assert.equal(payload.data.eventId, event.id);
      assert.ok(verifiedAsDocumented(delivery, secret), `${payload.type}: signature as README documents`);
      const header = String(delivery.headers['relay-signature']);
      assert.equal(verifyWebhookSignature(delivery.body, header, secret), true);
      // Forged or altered: another secret, a changed body, a moved timestamp, a replay much later.
      assert.equal(verifyWebhookSignature(delivery.body, header, flaky.secret!), false);
      assert.equal(verifyWebhookSignature(delivery.body.replace(event.id, 'forged'), header, secret), false);
      assert.equal(
        verifyWebhookSignature(
          delivery.body,
          header.replace(/t=(\d+)/, (_m, t: string) => `t=${Number(t) + 1}`),
          secret,
        ),
        false,
      );
      assert.equal(
        verifyWebhookSignature(delivery.body, header, secret, 300, Math.floor(Date.now() / 1000) + 3600),
        false,
      );
    }
    const failover = JSON.parse(main3[1]!.body) as WebhookPayloadJson;
    assert.deepEqual([failover.data.from, failover.data.to], ['primary', 'backup']);

    // The flaky receiver got the same event three times (500, 500, 200), same id, each signed.
    const flakyGot = await waitFor(() => (receiver.to('/flaky').length >= 3 ? receiver.to('/flaky') : null), {
      timeoutMs: 15_000,
      message: 'third attempt to the flaky receiver',
    });
    assert.deepEqual(
      flakyGot.map((r) => r.status),
      [500, 500, 200],
    );
    assert.equal(new Set(flakyGot.map((r) => r.headers['relay-event-id'])).size, 1);
    assert.ok(flakyGot.every((r) => verifiedAsDocumented(r, flaky.secret!)));
    const shown = await waitFor(
      async () => {
        const d = (await stack.request<WebhookJson>('GET', `/v1/webhooks/${flaky.id}`)).body.deliveries?.[0];
        return d?.status === 'succeeded' ? d : null;
      },
      { timeoutMs: 5000, message: 'flaky delivery shown as succeeded' },
    );
    assert.deepEqual(
      [
        shown.eventType,
        shown.attempts,
        shown.lastStatusCode,
        shown.lastError,
        shown.nextAttemptAt,
        shown.lastResponse,
      ],
      ['event.live', 3, 200, null, null, 'ok'],
    );
    const mainShown = (await stack.request<WebhookJson>('GET', `/v1/webhooks/${main.id}`)).body;
    assert.deepEqual(
      mainShown.deliveries?.map((d) => [d.eventType, d.status, d.attempts]),
      [
        ['event.failback', 'succeeded', 1],
        ['event.failover', 'succeeded', 1],
        ['event.live', 'succeeded', 1],
      ],
    );

    // A failover rehearsal on the live event ends with rehearsal.completed and its verdict.
    const rehearsalHook = await register('/rehearsal', ['rehearsal.completed']);
    await waitFor(async () => (await getEvent()).activeInput === 'primary', { timeoutMs: 10_000 });
    const rehearsal = await waitFor(
      async () => {
        const r = await stack.request<{ id: string }>('POST', `/v1/events/${event.id}/rehearsals`, {
          durationMs: 5000,
        });
        return r.status === 202 ? r.body : null;
      },
      { timeoutMs: 15_000, intervalMs: 500, message: 'rehearsal accepted' },
    );
    const completed = await waitFor(() => receiver.to('/rehearsal')[0], {
      timeoutMs: 40_000,
      message: 'rehearsal.completed delivered',
    });
    const completedPayload = JSON.parse(completed.body) as WebhookPayloadJson;
    assert.equal(completedPayload.type, 'rehearsal.completed');
    assert.equal(completedPayload.data.rehearsalId, rehearsal.id);
    assert.equal(completedPayload.data.status, 'completed', JSON.stringify(completedPayload.data));
    assert.ok(verifiedAsDocumented(completed, rehearsalHook.secret!));

    const logs = stack.logs().join('\n');
    for (const s of [main.secret!, flaky.secret!, rehearsalHook.secret!])
      assert.ok(!logs.includes(s), 'a webhook secret reached the logs');
    assert.ok(!logs.includes(`${receiver.url}/flaky`), 'webhook URLs are not logged');
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { verifyWebhookSignature, type WebhookPayloadJson } from '@relay/contracts';
import {
  QueueName,
  redisConnectionFromUrl,
  WebhookDeliveryJob,
  webhookDeliveryJobOptions,
} from '@relay/queue';
import type { WebhookJson } from '../../apps/api/src/modules/webhooks/webhook.presenter';
import { freePort } from '../utils/ports';
import { spawnProcess, waitFor } from '../utils/processes';
import { insertOrganizationWithKey } from '../utils/organizations';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../utils/webhook-receiver';

interface ErrorBody {
  error: { code: string; message: string };
}
/** The secret columns of a `webhook_endpoints` row. */
interface EndpointRow {
  secret: string | null;
  secret_cipher: string | null;
  previous_secret_cipher: string | null;
}

const v1Count = (r: ReceivedWebhook): number =>
  String(r.headers['relay-signature'])
    .split(',')
    .filter((p) => p.startsWith('v1=')).length;
const verifies = (r: ReceivedWebhook, secret: string): boolean =>
  verifyWebhookSignature(r.body, String(r.headers['relay-signature']), secret);

describe(
  'webhook signing secrets: encrypted at rest, rotation with a grace period',
  { timeout: 90_000 },
  () => {
    let stack: RelayStack;
    let db: Client;
    let receiver: WebhookReceiver;
    let queue: Queue;
    const otherOrgKey = 'rrk_webhook_secrets_other_org_0123456789';
    const seen: string[] = [];
    let sent = 0;

    before(async () => {
      stack = await startRelayStack({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '2000' });
      receiver = await startWebhookReceiver();
      db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      await insertOrganizationWithKey(db, otherOrgKey);
      queue = new Queue(QueueName.WebhookDelivery, { connection: redisConnectionFromUrl(stack.redis.url) });
    });

    after(async () => {
      await queue?.close();
      await db?.end();
      await stack?.stop();
      await receiver?.stop();
    });

    /**
     * One delivery to `endpointId` through the relay's real delivery worker: the row and the job are
     * written here the way the relay writes them for an event (a live event would need media, which
     * test/e2e/webhooks.e2e.ts covers). Resolves with what the receiver got.
     */
    const deliver = async (endpointId: string, path: string): Promise<ReceivedWebhook> => {
      sent += 1;
      const payload: WebhookPayloadJson = {
        id: `evt_secrets_${sent}`,
        type: 'event.live',
        createdAt: new Date().toISOString(),
        data: { eventId: 'none' },
      };
      const row = await db.query<{ id: string }>(
        `INSERT INTO webhook_deliveries (id, endpoint_id, message_id, event_type, payload)
       VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING id`,
        [endpointId, payload.id, payload.type, JSON.stringify(payload)],
      );
      const deliveryId = row.rows[0]!.id;
      await queue.add(
        WebhookDeliveryJob.Deliver,
        { deliveryId },
        webhookDeliveryJobOptions(deliveryId, 1000),
      );
      return waitFor(() => receiver.to(path).find((r) => r.headers['relay-event-id'] === payload.id), {
        timeoutMs: 15_000,
        message: `delivery ${payload.id} to ${path}`,
      });
    };

    const register = async (path: string): Promise<WebhookJson & { secret: string }> => {
      const created = await stack.request<WebhookJson>('POST', '/v1/webhooks', {
        url: `${receiver.url}${path}`,
        events: ['event.live'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      seen.push(created.body.secret!);
      return created.body as WebhookJson & { secret: string };
    };

    it('keeps the secret out of the database; a delivery verifies with it', async () => {
      const hook = await register('/plain');
      const rows = await db.query<EndpointRow>(`SELECT * FROM webhook_endpoints WHERE id = $1`, [hook.id]);
      const stored = JSON.stringify(rows.rows);
      assert.ok(!stored.includes(hook.secret), 'the secret is not in its row');
      assert.ok(!stored.includes(hook.secret.slice(6)), 'nor its random part');
      assert.equal(rows.rows[0]!.secret, null);
      assert.match(String(rows.rows[0]!.secret_cipher), /^test1:[\w-]+:[\w-]+:[\w-]+$/);
      const dump = execFileSync('pg_dump', ['--data-only', stack.databaseUrl], { encoding: 'utf8' });
      assert.match(dump, /COPY public\.webhook_endpoints/);
      assert.ok(!dump.includes(hook.secret.slice(6)), 'the secret is not in a database dump');

      const got = await deliver(hook.id, '/plain');
      assert.equal(v1Count(got), 1);
      assert.equal(verifies(got, hook.secret), true);
    });

    it('rotates: the new secret shown once, deliveries signed with both for 24 h, then with the new one only', async () => {
      const hook = await register('/rotated');
      const rotated = await stack.request<WebhookJson>('POST', `/v1/webhooks/${hook.id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      const fresh = rotated.body.secret!;
      seen.push(fresh);
      assert.match(fresh, /^whsec_[A-Za-z0-9_-]{43}$/);
      assert.notEqual(fresh, hook.secret);
      const graceMs = Date.parse(rotated.body.previousSecretExpiresAt!) - Date.now();
      assert.ok(graceMs > 23.9 * 3600_000 && graceMs <= 24 * 3600_000, `grace ${graceMs} ms`);
      assert.equal(
        (await stack.request<WebhookJson>('GET', `/v1/webhooks/${hook.id}`)).body.secret,
        undefined,
      );
      const stored = JSON.stringify((await db.query(`SELECT * FROM webhook_endpoints`)).rows);
      assert.ok(!stored.includes(fresh.slice(6)) && !stored.includes(hook.secret.slice(6)));

      const during = await deliver(hook.id, '/rotated');
      assert.equal(v1Count(during), 2, String(during.headers['relay-signature']));
      assert.equal(verifies(during, fresh), true, 'verifies with the new secret');
      assert.equal(verifies(during, hook.secret), true, 'and with the old one during the grace period');
      // The first v1 is the new secret's: a receiver checking only the first switches at once.
      const first = String(during.headers['relay-signature']).split(',').slice(0, 2).join(',');
      assert.equal(verifyWebhookSignature(during.body, first, fresh), true);

      // 24 h later (the end of the grace period moved to the past): the new secret only.
      await db.query(
        `UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`,
        [hook.id],
      );
      const afterGrace = await deliver(hook.id, '/rotated');
      assert.equal(v1Count(afterGrace), 1);
      assert.equal(verifies(afterGrace, fresh), true);
      assert.equal(verifies(afterGrace, hook.secret), false, 'the old secret no longer signs');
    });

    it("answers 404 to rotating another organization's webhook and leaves it unchanged", async () => {
      const hook = await register('/isolated');
      const before = await db.query<EndpointRow>(
        `SELECT secret_cipher FROM webhook_endpoints WHERE id = $1`,
        [hook.id],
      );
      const theirs = await stack.request<ErrorBody>(
        'POST',
        `/v1/webhooks/${hook.id}/rotate-secret`,
        undefined,
        otherOrgKey,
      );
      assert.equal(theirs.status, 404);
      assert.equal(theirs.body.error.code, 'not_found');
      assert.equal((await stack.request('POST', '/v1/webhooks/not-a-uuid/rotate-secret')).status, 404);
      const now = await db.query<EndpointRow>(
        `SELECT secret_cipher, previous_secret_cipher FROM webhook_endpoints WHERE id = $1`,
        [hook.id],
      );
      assert.equal(now.rows[0]!.secret_cipher, before.rows[0]!.secret_cipher);
      assert.equal(now.rows[0]!.previous_secret_cipher, null);
    });

    it('encrypts a clear-text secret of an older version when an API starts; deliveries still verify', async () => {
      const legacy = 'whsec_legacy_clear_text_secret_0123456789abcdefghij';
      seen.push(legacy);
      const inserted = await db.query<{ id: string }>(
        `INSERT INTO webhook_endpoints (id, organization_id, url, events, secret, updated_at)
       VALUES (gen_random_uuid(), (SELECT organization_id FROM webhook_endpoints LIMIT 1), $1, '{event.live}', $2, now())
       RETURNING id`,
        [`${receiver.url}/legacy`, legacy],
      );
      const id = inserted.rows[0]!.id;
      const port = await freePort();
      const api = spawnProcess('node', [join(__dirname, '..', '..', 'apps/api/src/main.js')], {
        name: 'api-2',
        env: { ...stack.env, PORT: String(port) },
        ringSize: 2000,
      });
      try {
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, {
          timeoutMs: 60_000,
          message: 'second API /healthz',
        });
        const row = await db.query<EndpointRow>(`SELECT * FROM webhook_endpoints WHERE id = $1`, [id]);
        assert.equal(row.rows[0]!.secret, null, 'the clear-text column was emptied');
        assert.ok(!JSON.stringify(row.rows).includes(legacy.slice(6)));
        assert.ok(api.lines().some((l) => /Webhook signing secrets secured: \d+ endpoint/.test(l)));
        assert.ok(!api.lines().join('\n').includes(legacy), 'the secret is not logged');
      } finally {
        await api.stop('SIGTERM', 10_000);
      }
      const got = await deliver(id, '/legacy');
      assert.equal(verifies(got, legacy), true);
    });

    it('never logs a webhook secret', () => {
      const logs = stack.logs().join('\n');
      for (const secret of seen) assert.ok(!logs.includes(secret), 'a webhook secret reached the logs');
    });
  },
);

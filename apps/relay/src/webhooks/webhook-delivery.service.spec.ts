import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { EnvironmentVariables } from '@relay/config';
import { verifyWebhookSignature } from '@relay/contracts';
import { WEBHOOK_MAX_ATTEMPTS } from '@relay/queue';
import { UnrecoverableError } from 'bullmq';
import { WebhookDeliveryService } from './webhook-delivery.service';
import type { AttemptOutcome, DeliveryToSend, WebhookDeliveriesRepository } from './webhooks.repository';

const secret = 'whsec_unit';
const config = {
  WEBHOOK_TIMEOUT_MS: 1000,
  WEBHOOK_RETRY_BASE_DELAY_MS: 1000,
  WEBHOOKS_ALLOW_PRIVATE_URLS: true,
} as EnvironmentVariables;

/** The delivery rows in memory (PostgreSQL is covered by test/e2e/webhooks.e2e.ts). */
function rowsWith(delivery: DeliveryToSend) {
  const outcomes: AttemptOutcome[] = [];
  const repository = {
    find: () => Promise.resolve(delivery),
    recordAttempt: (_id: string, outcome: AttemptOutcome) => {
      outcomes.push(outcome);
      return Promise.resolve();
    },
  } as unknown as WebhookDeliveriesRepository;
  return { service: new WebhookDeliveryService(repository, config), outcomes };
}

describe('WebhookDeliveryService', () => {
  let server: Server;
  let base: string;
  const got: Array<{ body: string; signature: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ body, signature: String(req.headers['relay-signature']) });
        res.writeHead(req.url === '/fail' ? 503 : 200).end('answer');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const delivery = (path: string, enabled = true): DeliveryToSend => ({
    id: 'd1',
    status: 'pending',
    payload: {
      id: 'evt_1',
      type: 'event.live',
      createdAt: new Date().toISOString(),
      data: { eventId: 'e1' },
    },
    endpoint: { id: 'w1', url: `${base}${path}`, secrets: [secret], enabled },
  });

  it('records a 2xx as succeeded, with a body signed by the endpoint secret', async () => {
    const { service, outcomes } = rowsWith(delivery('/ok'));
    assert.equal(await service.deliver('d1', 1), 'sent');
    assert.deepEqual(outcomes[0], {
      status: 'succeeded',
      attempts: 1,
      statusCode: 200,
      error: null,
      response: 'answer',
      nextAttemptAt: null,
    });
    const last = got.at(-1)!;
    assert.equal(verifyWebhookSignature(last.body, last.signature, secret), true);
  });

  it('signs with the new and the old secret while a rotation is in its grace period', async () => {
    const rotated = delivery('/ok');
    rotated.endpoint.secrets = ['whsec_new', secret];
    const { service } = rowsWith(rotated);
    assert.equal(await service.deliver('d1', 1), 'sent');
    const last = got.at(-1)!;
    assert.match(last.signature, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    assert.equal(verifyWebhookSignature(last.body, last.signature, 'whsec_new'), true);
    assert.equal(verifyWebhookSignature(last.body, last.signature, secret), true);
    assert.equal(verifyWebhookSignature(last.body, last.signature, 'whsec_other'), false);
  });

  it('keeps a failed attempt pending with its next attempt, and throws so BullMQ retries', async () => {
    const { service, outcomes } = rowsWith(delivery('/fail'));
    await assert.rejects(service.deliver('d1', 2), /HTTP 503/);
    const outcome = outcomes[0]!;
    assert.equal(outcome.status, 'pending');
    assert.equal(outcome.statusCode, 503);
    const inMs = outcome.nextAttemptAt!.getTime() - Date.now();
    assert.ok(inMs > 1500 && inMs <= 2000, `second retry after 2 s, got ${inMs}`);
  });

  it('marks the delivery failed after the last attempt', async () => {
    const { service, outcomes } = rowsWith(delivery('/fail'));
    await assert.rejects(service.deliver('d1', WEBHOOK_MAX_ATTEMPTS));
    assert.deepEqual([outcomes[0]!.status, outcomes[0]!.nextAttemptAt], ['failed', null]);
  });

  it('sends nothing to a disabled webhook and gives up on a refused URL without retries', async () => {
    const sent = got.length;
    const disabled = rowsWith(delivery('/ok', false));
    assert.equal(await disabled.service.deliver('d1', 1), 'skipped');
    assert.equal(disabled.outcomes[0]!.status, 'failed');
    const refused = rowsWith({
      ...delivery('/ok'),
      endpoint: { ...delivery('/ok').endpoint, url: 'ftp://x/' },
    });
    await assert.rejects(refused.service.deliver('d1', 1), (e: unknown) => e instanceof UnrecoverableError);
    assert.equal(refused.outcomes[0]!.status, 'failed');
    assert.equal(got.length, sent);
  });
});

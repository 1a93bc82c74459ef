import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { isPrivateAddress } from '@relay/contracts';
import { RESPONSE_EXCERPT_BYTES, sendWebhook, WebhookSendError } from './webhook-sender';

describe('sendWebhook', () => {
  let server: Server;
  let base: string;
  const received: Array<{ headers: Record<string, unknown>; body: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (req.url === '/big') res.end('x'.repeat(1_000_000));
        else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000);
        else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
        else res.writeHead(req.url === '/fail' ? 500 : 204).end(req.url === '/fail' ? 'boom' : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (path: string, timeoutMs = 1000) =>
    sendWebhook(`${base}${path}`, '{"a":1}', { 'x-test': 'y' }, { timeoutMs, allowPrivate: true });

  it('POSTs the body and headers and returns the status', async () => {
    assert.deepEqual(await send('/ok'), { statusCode: 204, excerpt: '' });
    const last = received.at(-1)!;
    assert.equal(last.body, '{"a":1}');
    assert.equal(last.headers['x-test'], 'y');
    assert.deepEqual(await send('/fail'), { statusCode: 500, excerpt: 'boom' });
  });

  it('keeps only a bounded excerpt of a large answer and follows no redirect', async () => {
    const big = await send('/big');
    assert.equal(big.statusCode, 200);
    assert.equal(big.excerpt.length, RESPONSE_EXCERPT_BYTES);
    assert.equal((await send('/redirect')).statusCode, 302);
  });

  it('gives up after the timeout', async () => {
    await assert.rejects(
      send('/slow', 300),
      (e: unknown) => e instanceof WebhookSendError && /300 ms/.test(e.message),
    );
  });

  it('refuses http and private addresses unless allowed, without connecting', async () => {
    const count = received.length;
    const strict = { timeoutMs: 1000, allowPrivate: false };
    await assert.rejects(
      sendWebhook(`${base}/ok`, '{}', {}, strict),
      (e: unknown) => e instanceof WebhookSendError && e.permanent,
    );
    const port = (server.address() as AddressInfo).port;
    await assert.rejects(
      sendWebhook(`https://127.0.0.1:${port}/ok`, '{}', {}, strict),
      (e: unknown) => e instanceof WebhookSendError && e.permanent,
    );
    assert.equal(received.length, count);
  });

  it('refuses a host name that resolves to a private address (checked when connecting)', async (t) => {
    const name = hostname();
    const { address } = await lookup(name).catch(() => ({ address: '' }));
    if (!address || !isPrivateAddress(address))
      return t.skip(`${name} does not resolve to a private address`);
    await assert.rejects(
      sendWebhook(`https://${name}:9/hook`, '{}', {}, { timeoutMs: 1000, allowPrivate: false }),
      (e: unknown) => e instanceof WebhookSendError && e.permanent && /private address/.test(e.message),
    );
  });
});

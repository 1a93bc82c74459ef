import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { isWebhookEventType, signWebhookPayload, verifyWebhookSignature } from './webhook.contract';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"id":"evt_1","type":"event.live","createdAt":"2026-11-21T08:00:00.000Z","data":{}}';
const now = 1_795_000_000;

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 of "t.body" as README documents', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    assert.equal(signWebhookPayload(secret, body, now), `t=${now},v1=${expected}`);
  });

  it('accepts its own signature within the tolerance, from a string or a Buffer', () => {
    const header = signWebhookPayload(secret, body, now);
    assert.equal(verifyWebhookSignature(body, header, secret, 300, now + 299), true);
    assert.equal(verifyWebhookSignature(Buffer.from(body), header, secret, 300, now - 10), true);
  });

  it('accepts a header listing several v1 signatures when one matches (secret rotation)', () => {
    const good = signWebhookPayload(secret, body, now).split(',')[1];
    assert.equal(
      verifyWebhookSignature(body, `t=${now},v1=${'0'.repeat(64)},${good}`, secret, 300, now),
      true,
    );
  });

  it('rejects forged, altered, replayed and malformed signatures', () => {
    const header = signWebhookPayload(secret, body, now);
    const cases: Array<[string, string | null | undefined, string, number]> = [
      ['another secret', signWebhookPayload('whsec_other', body, now), secret, now],
      ['an altered body', header, secret, now],
      ['a replay after the tolerance', header, secret, now + 301],
      ['a timestamp from the future', signWebhookPayload(secret, body, now + 400), secret, now],
      ['a timestamp changed after signing', header.replace(`t=${now}`, `t=${now + 1}`), secret, now],
      ['no header', undefined, secret, now],
      ['an empty header', '', secret, now],
      ['no timestamp', header.replace(/^t=\d+,/, ''), secret, now],
      ['a non-hex signature', `t=${now},v1=${'z'.repeat(64)}`, secret, now],
      ['an oversized header', `t=${now},${'v1=ab,'.repeat(400)}`, secret, now],
    ];
    for (const [what, h, s, at] of cases) {
      const signed = what === 'an altered body' ? body.replace('event.live', 'event.failover') : body;
      assert.equal(verifyWebhookSignature(signed, h, s, 300, at), false, what);
    }
  });

  it('knows the documented event types only', () => {
    assert.equal(isWebhookEventType('event.failover'), true);
    assert.equal(isWebhookEventType('event.unknown'), false);
    assert.equal(isWebhookEventType(42), false);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { insertOrganizationWithKey } from '../utils/organizations';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; rule: string }> };
}

describe('REST API v1', { timeout: 180_000 }, () => {
  let stack: RelayStack;
  let otherOrgKey: string;

  before(async () => {
    stack = await startRelayStack();
    // A second organization, created the way the bootstrap does, to check isolation.
    otherOrgKey = 'rrk_other_organization_key_0123456789';
    await insertOrganizationWithKey(stack.databaseUrl, otherOrgKey);
  });

  after(async () => {
    await stack?.stop();
  });

  it('answers /healthz without auth', async () => {
    const response = await fetch(`${stack.apiUrl}/healthz`);
    assert.equal(response.status, 200);
  });

  it('refuses /v1 routes without a valid API key with 401 in the error shape', async () => {
    for (const key of [null, 'wrong-key', 'x'.repeat(5000)]) {
      const response = await stack.request<ErrorBody>('GET', '/v1/events', undefined, key);
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, 'unauthorized');
    }
  });

  it('keeps the bootstrap key working across restarts (idempotent bootstrap)', async () => {
    const response = await stack.request('GET', '/v1/events');
    assert.equal(response.status, 200);
  });

  it('creates an event with defaults, two ingest endpoints and encoder-ready URLs', async () => {
    const { status, body } = await stack.request<EventJson>('POST', '/v1/events', { name: 'Show' });
    assert.equal(status, 201);
    assert.equal(body.status, 'idle');
    assert.equal(body.activeInput, null);
    assert.deepEqual(body.failover, {
      mode: 'primary-preferred',
      stallTimeoutMs: 1000,
      failbackAfterMs: 5000,
      switchAt: 'cached-keyframe',
      slateTimeoutMs: 300000,
      flapDamping: { maxFailovers: 3, windowMs: 60000, stableMs: 60000 },
      detectFrozenTimestamps: false,
    });
    for (const role of ['primary', 'backup'] as const) {
      const ingest = body.ingest[role];
      assert.equal(ingest.serverUrl, `rtmp://127.0.0.1:${stack.rtmpPort}/live`);
      assert.equal(ingest.url, `${ingest.serverUrl}/${ingest.streamKey}`);
      assert.ok(ingest.streamKey.length >= 32, 'stream keys are long random secrets');
      assert.equal(ingest.state, 'offline');
    }
    assert.notEqual(body.ingest.primary.streamKey, body.ingest.backup.streamKey);
    assert.deepEqual(body.destinations, []);
  });

  it('answers 400 naming the field and the rule for bad input', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'x', failover: { stallTimeoutMs: 50 } }, 'failover.stallTimeoutMs'],
      [{ name: 'x', failover: { mode: 'random' } }, 'failover.mode'],
      [{ name: 'x', extra: true }, 'extra'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'x', failover: { switchAt: 'now' } }, 'failover.switchAt'],
      [{ name: 'x', failover: { flapDamping: { maxFailovers: 50 } } }, 'failover.flapDamping.maxFailovers'],
      [{ name: 'x', failover: { detectFrozenTimestamps: 'yes' } }, 'failover.detectFrozenTimestamps'],
    ];
    for (const [body, field] of cases) {
      const response = await stack.request<ErrorBody>('POST', '/v1/events', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error.code, 'validation_failed');
      assert.ok(response.body.error.message.includes(field), `${response.body.error.message} names ${field}`);
      assert.equal(response.body.error.details?.[0]?.field, field);
    }
    const malformed = await stack.request<ErrorBody>('POST', '/v1/events', '{"name":');
    assert.equal(malformed.status, 400);
  });

  it('adds destinations with masked keys, validates URLs, and deletes them', async () => {
    const { body: event } = await stack.request<EventJson>('POST', '/v1/events', { name: 'Dest' });
    const bad = await stack.request<ErrorBody>('POST', `/v1/events/${event.id}/destinations`, {
      name: 'x',
      url: 'http://a/b',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details?.[0]?.field, 'url');
    const created = await stack.request<{ id: string; streamKeyMasked: string; state: string }>(
      'POST',
      `/v1/events/${event.id}/destinations`,
      { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'abcd-efgh-ijkl-mnop' },
    );
    assert.equal(created.status, 201);
    assert.equal(created.body.streamKeyMasked, '********mnop');
    assert.equal(created.body.state, 'idle');
    const { body: withDest } = await stack.request<EventJson>('GET', `/v1/events/${event.id}`);
    assert.equal(withDest.destinations.length, 1);
    assert.ok(
      !JSON.stringify(withDest).includes('abcd-efgh-ijkl-mnop'),
      'the destination key is never returned',
    );
    assert.equal(
      (await stack.request('DELETE', `/v1/events/${event.id}/destinations/${created.body.id}`)).status,
      204,
    );
    assert.equal(
      (await stack.request('DELETE', `/v1/events/${event.id}/destinations/${created.body.id}`)).status,
      404,
    );
  });

  it('updates settings with PATCH and keeps the rest', async () => {
    const { body: event } = await stack.request<EventJson>('POST', '/v1/events', { name: 'Patch me' });
    const { status, body } = await stack.request<EventJson>('PATCH', `/v1/events/${event.id}`, {
      failover: { mode: 'sticky', failbackAfterMs: 9000 },
    });
    assert.equal(status, 200);
    assert.equal(body.name, 'Patch me');
    assert.equal(body.failover.mode, 'sticky');
    assert.equal(body.failover.stallTimeoutMs, 1000);
    assert.equal(body.failover.failbackAfterMs, 9000);
    const more = await stack.request<EventJson>('PATCH', `/v1/events/${event.id}`, {
      failover: { switchAt: 'next-keyframe', flapDamping: { stableMs: 30000 }, detectFrozenTimestamps: true },
    });
    assert.equal(more.body.failover.switchAt, 'next-keyframe');
    assert.deepEqual(more.body.failover.flapDamping, { maxFailovers: 3, windowMs: 60000, stableMs: 30000 });
    assert.equal(more.body.failover.detectFrozenTimestamps, true);
    assert.equal(more.body.failover.mode, 'sticky', 'fields not sent are kept');
  });

  it('answers 404 for unknown ids and for another organization’s ids', async () => {
    const { body: event } = await stack.request<EventJson>('POST', '/v1/events', { name: 'Mine' });
    assert.equal((await stack.request('GET', '/v1/events/00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await stack.request('GET', '/v1/events/not-a-uuid')).status, 404);
    for (const [method, path] of [
      ['GET', `/v1/events/${event.id}`],
      ['PATCH', `/v1/events/${event.id}`],
      ['DELETE', `/v1/events/${event.id}`],
      ['POST', `/v1/events/${event.id}/start`],
      ['POST', `/v1/events/${event.id}/destinations`],
    ] as const) {
      const body =
        method === 'PATCH'
          ? { name: 'stolen' }
          : method === 'POST' && path.endsWith('destinations')
            ? { name: 'x', url: 'rtmp://h/app' }
            : undefined;
      const response = await stack.request<ErrorBody>(method, path, body, otherOrgKey);
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const list = await stack.request<{ items: EventJson[] }>('GET', '/v1/events', undefined, otherOrgKey);
    assert.equal(list.body.items.length, 0);
  });

  it('starts (202, standby), refuses DELETE while on air with 409, stops (202, ended), then deletes', async () => {
    const { body: event } = await stack.request<EventJson>('POST', '/v1/events', { name: 'Lifecycle' });
    const started = await stack.request<EventJson>('POST', `/v1/events/${event.id}/start`);
    assert.equal(started.status, 202);
    assert.equal(started.body.status, 'standby');
    const conflict = await stack.request<ErrorBody>('DELETE', `/v1/events/${event.id}`);
    assert.equal(conflict.status, 409);
    assert.match(conflict.body.error.message, /stop/);
    const stopped = await stack.request<EventJson>('POST', `/v1/events/${event.id}/stop`);
    assert.equal(stopped.status, 202);
    assert.equal(stopped.body.status, 'ended');
    assert.equal((await stack.request('DELETE', `/v1/events/${event.id}`)).status, 204);
    assert.equal((await stack.request('GET', `/v1/events/${event.id}`)).status, 404);
  });

  it('lists events newest first with a cursor', async () => {
    const first = await stack.request<{ items: EventJson[]; nextCursor: string | null }>(
      'GET',
      '/v1/events?limit=2',
    );
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.nextCursor);
    const second = await stack.request<{ items: EventJson[] }>(
      'GET',
      `/v1/events?limit=2&cursor=${first.body.nextCursor}`,
    );
    assert.ok(second.body.items.every((e) => !first.body.items.some((f) => f.id === e.id)));
    assert.equal((await stack.request('GET', '/v1/events?limit=1000')).status, 400);
  });

  it('never prints API keys in its logs', () => {
    const logs = stack.logs().join('\n');
    assert.ok(!logs.includes(stack.apiKey));
    assert.ok(!logs.includes(otherOrgKey));
  });
});

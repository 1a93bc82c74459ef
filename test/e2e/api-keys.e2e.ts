import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { insertOrganizationWithKey } from '../utils/organizations';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { freePort } from '../utils/ports';
import { spawnProcess, waitFor } from '../utils/processes';

interface ErrorBody {
  error: { code: string; message: string };
}
interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  secret: string;
  createdAt: string;
}
interface ListedKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Requests one API key may make per window in this test (set low to reach it quickly). */
const RATE_LIMIT = 25;

describe('API keys, organizations and rate limits', { timeout: 90_000 }, () => {
  let stack: RelayStack;
  let otherOrgKey: string;

  before(async () => {
    stack = await startRelayStack({
      API_RATE_LIMIT_MAX: String(RATE_LIMIT),
      API_RATE_LIMIT_WINDOW_SECONDS: '60',
    });
    // A second organization, inserted the way the bootstrap creates one (only the key's SHA-256 is stored).
    otherOrgKey = 'rrk_other_organization_key_0123456789abcdef';
    await insertOrganizationWithKey(stack.databaseUrl, otherOrgKey);
  });

  after(async () => {
    await stack?.stop();
  });

  /** A fresh key of the bootstrap organization (its own rate-limit budget). */
  const newKey = async (name: string, as?: string): Promise<CreatedKey> => {
    const created = await stack.request<CreatedKey>('POST', '/v1/api-keys', { name }, as);
    assert.equal(created.status, 201);
    return created.body;
  };

  it('creates a key whose secret is shown once, lists it without the secret, and it works', async () => {
    const admin = await newKey('admin');
    const key = await newKey('ci', admin.secret);
    assert.match(key.secret, /^rrk_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.name, 'ci');
    assert.ok(key.secret.startsWith(key.prefix) && key.prefix.length < 12);
    assert.equal((await stack.request('GET', '/v1/events', undefined, key.secret)).status, 200);

    const listed = await waitFor(
      async () => {
        const list = await stack.request<{ items: ListedKey[] }>(
          'GET',
          '/v1/api-keys',
          undefined,
          admin.secret,
        );
        const found = list.body.items.find((k) => k.id === key.id);
        return found?.lastUsedAt ? list.body : null;
      },
      { timeoutMs: 6_000, intervalMs: 500, message: 'lastUsedAt of the new key' },
    );
    const found = listed.items.find((k) => k.id === key.id)!;
    assert.deepEqual(Object.keys(found).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'prefix']);
    assert.equal(found.prefix, key.prefix);
    assert.ok(!JSON.stringify(listed).includes(key.secret), 'the list never shows a secret');
  });

  it('refuses a deleted key at once with 401; deleting it again answers 404', async () => {
    const admin = await newKey('admin-2');
    const key = await newKey('to-delete', admin.secret);
    assert.equal((await stack.request('GET', '/v1/events', undefined, key.secret)).status, 200);
    assert.equal(
      (await stack.request('DELETE', `/v1/api-keys/${key.id}`, undefined, admin.secret)).status,
      204,
    );
    const refused = await stack.request<ErrorBody>('GET', '/v1/events', undefined, key.secret);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'unauthorized');
    assert.equal(
      (await stack.request('DELETE', `/v1/api-keys/${key.id}`, undefined, admin.secret)).status,
      404,
    );
  });

  it("answers 404 for another organization's events, destinations, keys and key rotation", async () => {
    const mine = await newKey('isolation');
    const theirEvent = await stack.request<EventJson>('POST', '/v1/events', { name: 'Theirs' }, otherOrgKey);
    assert.equal(theirEvent.status, 201);
    const theirDestination = await stack.request<{ id: string }>(
      'POST',
      `/v1/events/${theirEvent.body.id}/destinations`,
      { name: 'd', url: 'rtmp://127.0.0.1:1/live', streamKey: 'their-destination-key' },
      otherOrgKey,
    );
    assert.equal(theirDestination.status, 201);
    const theirKey = await stack.request<CreatedKey>('POST', '/v1/api-keys', { name: 'theirs' }, otherOrgKey);
    assert.equal(theirKey.status, 201);

    const id = theirEvent.body.id;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/v1/events/${id}`],
      ['PATCH', `/v1/events/${id}`, { name: 'mine now' }],
      ['POST', `/v1/events/${id}/start`],
      ['POST', `/v1/events/${id}/stop`],
      ['POST', `/v1/events/${id}/ingest/primary/rotate-key`],
      ['GET', `/v1/events/${id}/timeline`],
      ['GET', `/v1/events/${id}/rehearsals`],
      ['POST', `/v1/events/${id}/destinations`, { name: 'x', url: 'rtmp://127.0.0.1:1/live' }],
      ['PATCH', `/v1/events/${id}/destinations/${theirDestination.body.id}`, { name: 'x' }],
      ['POST', `/v1/events/${id}/destinations/${theirDestination.body.id}/retry`],
      ['DELETE', `/v1/events/${id}/destinations/${theirDestination.body.id}`],
      ['DELETE', `/v1/api-keys/${theirKey.body.id}`],
      ['DELETE', `/v1/events/${id}`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await stack.request<ErrorBody>(method, path, body, mine.secret);
      assert.equal(response.status, 404, `${method} ${path} answered ${response.status}`);
      assert.equal(response.body.error.code, 'not_found');
    }
    const myList = await stack.request<{ items: EventJson[] }>('GET', '/v1/events', undefined, mine.secret);
    assert.ok(!myList.body.items.some((e) => e.id === id));
    const myKeys = await stack.request<{ items: ListedKey[] }>('GET', '/v1/api-keys', undefined, mine.secret);
    assert.ok(!myKeys.body.items.some((k) => k.id === theirKey.body.id));
    // Nothing of theirs changed: their event, destination and key are intact.
    const still = await stack.request<EventJson>('GET', `/v1/events/${id}`, undefined, otherOrgKey);
    assert.equal(still.body.name, 'Theirs');
    assert.equal(still.body.destinations.length, 1);
    assert.equal((await stack.request('GET', '/v1/events', undefined, theirKey.body.secret)).status, 200);
  });

  it("shares a key's limit across two API processes on one Redis: 429 rate_limited with Retry-After; other keys go on", async () => {
    // A second API process on the same PostgreSQL and Redis, as behind a load balancer.
    const port = await freePort();
    const second = spawnProcess('node', [join(__dirname, '..', '..', 'apps/api/src/main.js')], {
      name: 'api-2',
      env: { ...stack.env, PORT: String(port) },
      ringSize: 2000,
    });
    try {
      const secondUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${secondUrl}/healthz`)).ok, {
        timeoutMs: 60_000,
        message: 'second API /healthz',
      });
      const busy = await newKey('busy');
      const other = await newKey('quiet');
      const get = (base: string, secret: string): Promise<Response> =>
        fetch(`${base}/v1/events?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
      for (let i = 0; i < RATE_LIMIT; i++) {
        const response = await get(i % 2 === 0 ? stack.apiUrl : secondUrl, busy.secret);
        assert.equal(response.status, 200, `request ${i + 1} of ${RATE_LIMIT}`);
        await response.arrayBuffer();
      }
      // Each process saw about half the requests: only a shared count refuses the next one on both.
      for (const base of [stack.apiUrl, secondUrl]) {
        const response = await get(base, busy.secret);
        assert.equal(response.status, 429, `${base} after the limit`);
        const retryAfter = Number(response.headers.get('retry-after'));
        assert.ok(
          Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
          `Retry-After ${retryAfter}`,
        );
        const body = (await response.json()) as ErrorBody;
        assert.equal(body.error.code, 'rate_limited');
      }
      for (const base of [stack.apiUrl, secondUrl])
        assert.equal((await get(base, other.secret)).status, 200, 'another key of the organization goes on');
    } finally {
      await second.stop('SIGTERM', 10_000);
    }
  });

  it('never logs an API key secret', async () => {
    const logs = stack.logs().join('\n');
    assert.ok(!logs.includes(stack.apiKey));
    assert.ok(!logs.includes(otherOrgKey));
    assert.ok(!/rrk_[A-Za-z0-9_-]{20,}/.test(logs), 'no API key secret in the logs');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { waitFor } from '../utils/processes';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

describe('fault: SIGTERM on the API while a request is in flight', { timeout: 90_000 }, () => {
  let stack: RelayStack;
  let blocker: Client;

  before(async () => {
    stack = await startRelayStack();
    assert.equal((await stack.request('POST', '/v1/events', { name: 'Drain' })).status, 201);
    blocker = new Client({ connectionString: stack.databaseUrl });
    await blocker.connect();
  });

  after(async () => {
    await blocker?.end().catch(() => undefined);
    await stack?.stop();
  });

  it('answers the request in flight, takes no new one, then exits with 0', async () => {
    // Hold the events table so that GET /v1/events is still running when SIGTERM arrives.
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${stack.apiUrl}/v1/events`, {
      headers: { authorization: `Bearer ${stack.apiKey}` },
    });
    await waitFor(
      async () => {
        const { rows } = await blocker.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
        );
        return (rows[0]?.waiting ?? 0) > 0;
      },
      { message: 'the API request waits on the lock' },
    );

    stack.api.signal('SIGTERM');
    await stack.api.waitForLine(/SIGTERM: no new connections; draining 1 request/, 5000);
    await assert.rejects(fetch(`${stack.apiUrl}/healthz`), 'a new connection is refused while draining');
    assert.ok(stack.api.running, 'the API waits for the request in flight');

    await blocker.query('COMMIT');
    const response = await inFlight;
    assert.equal(response.status, 200, 'the request in flight is answered');
    assert.equal(response.headers.get('connection'), 'close');
    const body = (await response.json()) as { items: Array<{ name: string }> };
    assert.deepEqual(
      body.items.map((e) => e.name),
      ['Drain'],
    );
    const exit = await stack.api.waitForExit(10_000);
    assert.equal(exit.code, 0, stack.api.tail());
  });
});

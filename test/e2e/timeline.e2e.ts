import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import type { EventJson } from '@relay/contracts';
import type {
  TimelineEntryJson,
  TimelinePageJson,
} from '../../apps/api/src/modules/timeline/timeline.presenter';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { insertOrganizationWithKey } from '../utils/organizations';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; rule: string }> };
}

const DESTINATION_ID = randomUUID();

describe('GET /v1/events/:id/timeline', { timeout: 240_000 }, () => {
  let stack: RelayStack;
  let db: Client;
  let otherOrgKey: string;

  const createEvent = async (name: string): Promise<EventJson> => {
    const created = await stack.request<EventJson>('POST', '/v1/events', { name });
    assert.equal(created.status, 201);
    return created.body;
  };
  const timeline = <T = TimelinePageJson>(eventId: string, query = '', key?: string | null) =>
    stack.request<T>('GET', `/v1/events/${eventId}/timeline${query}`, undefined, key);

  /** Inserts `count` entries directly, one statement each so ids follow `n`; returns their ids. */
  const insertEntries = async (eventId: string, count: number): Promise<string[]> => {
    const types = ['failover', 'failback', 'leg_restarted'] as const;
    const ids: string[] = [];
    await db.query('BEGIN');
    for (let n = 1; n <= count; n++) {
      const row = await db.query<{ id: string }>(
        `INSERT INTO timeline_entries (event_id, type, input, destination_id, detail)
         VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
        [
          eventId,
          types[n % types.length],
          n % 2 === 0 ? 'backup' : null,
          n % 5 === 0 ? DESTINATION_ID : null,
          JSON.stringify({ n, note: 'inserted by the test' }),
        ],
      );
      ids.push(row.rows[0]!.id);
    }
    await db.query('COMMIT');
    return ids;
  };

  before(async () => {
    stack = await startRelayStack();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    // A second organization with its own key, created the way the bootstrap does.
    otherOrgKey = 'rrk_timeline_other_organization_0123456789';
    await insertOrganizationWithKey(db, otherOrgKey);
  });

  after(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('starts empty, then shows the event_started and event_stopped entries the API writes, newest last', async () => {
    const event = await createEvent('Timeline lifecycle');
    const empty = await timeline(event.id);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, { items: [], nextCursor: null });

    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);

    const { status, body } = await timeline(event.id);
    assert.equal(status, 200);
    assert.equal(body.nextCursor, null);
    const types = body.items.map((i) => i.type);
    const started = types.indexOf('event_started');
    const stopped = types.indexOf('event_stopped');
    assert.ok(started >= 0 && stopped > started, `started before stopped: ${types.join(', ')}`);

    const entry = body.items[started]!;
    assert.deepEqual(
      Object.keys(entry).sort(),
      ['at', 'detail', 'id', 'type'],
      'null input/destinationId omitted',
    );
    assert.match(entry.id, /^[1-9]\d*$/);
    assert.equal(new Date(entry.at).toISOString(), entry.at, 'at is ISO 8601');
    assert.ok(Math.abs(Date.parse(entry.at) - Date.now()) < 60_000);
    assert.deepEqual(entry.detail, { status: 'standby' });
    assert.deepEqual(body.items[stopped]!.detail, { status: 'ended' });
  });

  it('pages through 250 entries 100 at a time in ascending id order, without duplicates', async () => {
    const event = await createEvent('Timeline pages');
    const inserted = await insertEntries(event.id, 250);

    const pages: TimelinePageJson[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=100' : `?limit=100&after=${cursor}`;
      const response = await timeline(event.id, query);
      assert.equal(response.status, 200);
      pages.push(response.body);
      cursor = response.body.nextCursor;
    } while (cursor !== null && pages.length < 10);

    assert.deepEqual(
      pages.map((p) => p.items.length),
      [100, 100, 50],
    );
    assert.equal(pages[0]!.nextCursor, pages[0]!.items.at(-1)!.id);
    assert.equal(pages[1]!.nextCursor, pages[1]!.items.at(-1)!.id);
    assert.equal(pages[2]!.nextCursor, null);
    const items = pages.flatMap((p) => p.items);
    assert.deepEqual(
      items.map((i) => i.id),
      inserted,
      'every entry once, in insertion order',
    );
    for (let i = 1; i < items.length; i++) {
      assert.ok(BigInt(items[i]!.id) > BigInt(items[i - 1]!.id), 'ids strictly ascending');
    }
    assert.equal(new Set(items.map((i) => i.id)).size, 250);
    assert.deepEqual(
      items.map((i) => (i.detail as { n: number }).n),
      Array.from({ length: 250 }, (_, i) => i + 1),
      'newest last',
    );

    const tenth = items[9]!; // n = 10: failback, backup input and a destination
    assert.deepEqual(tenth, {
      id: inserted[9]!,
      at: tenth.at,
      type: 'failback',
      input: 'backup',
      destinationId: DESTINATION_ID,
      detail: { n: 10, note: 'inserted by the test' },
    } satisfies TimelineEntryJson);
    assert.deepEqual(Object.keys(items[0]!).sort(), ['at', 'detail', 'id', 'type']);

    const byDefault = await timeline(event.id);
    assert.equal(byDefault.body.items.length, 100, 'limit defaults to 100');
    assert.equal(byDefault.body.nextCursor, inserted[99]);
    const exact = await timeline(event.id, '?limit=250');
    assert.equal(exact.body.items.length, 250);
    assert.equal(exact.body.nextCursor, null, 'no cursor when the page ends exactly at the last entry');
    const max = await timeline(event.id, '?limit=500');
    assert.equal(max.body.items.length, 250);
    const tail = await timeline(event.id, `?after=${inserted[247]}`);
    assert.deepEqual(
      tail.body.items.map((i) => i.id),
      inserted.slice(248),
    );
    const pastEnd = await timeline(event.id, `?after=${inserted[249]}`);
    assert.deepEqual(pastEnd.body, { items: [], nextCursor: null });
  });

  it('answers 404 for another organization’s event and for unknown ids', async () => {
    const event = await createEvent('Timeline private');
    await insertEntries(event.id, 3);
    const stolen = await timeline<ErrorBody>(event.id, '', otherOrgKey);
    assert.equal(stolen.status, 404);
    assert.equal(stolen.body.error.code, 'not_found');
    assert.ok(!JSON.stringify(stolen.body).includes('inserted by the test'));
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const response = await timeline<ErrorBody>(id);
      assert.equal(response.status, 404, id);
      assert.equal(response.body.error.code, 'not_found');
    }
  });

  it('answers 401 without a valid API key', async () => {
    const event = await createEvent('Timeline auth');
    for (const key of [null, 'wrong-key']) {
      const response = await timeline<ErrorBody>(event.id, '', key);
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, 'unauthorized');
    }
  });

  it('answers 400 naming limit or after when they are out of range or malformed', async () => {
    const event = await createEvent('Timeline bad queries');
    const cases: Array<[string, string]> = [
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?limit=', 'limit'],
      ['?limit=1&limit=2', 'limit'],
      ['?after=abc', 'after'],
      ['?after=0', 'after'],
      ['?after=-1', 'after'],
      ['?after=12345678901234567890', 'after'],
      ['?after=9223372036854775808', 'after'],
    ];
    for (const [query, field] of cases) {
      const response = await timeline<ErrorBody>(event.id, query);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'validation_failed');
      assert.equal(response.body.error.details?.[0]?.field, field, query);
      assert.ok(response.body.error.message.includes(field), `${response.body.error.message} names ${field}`);
    }
  });

  it('records a real show: input_connected, input_recovered, program_resumed, event_live in order', async () => {
    const event = await createEvent('Timeline live');
    let publisher: Publisher | null = null;
    try {
      publisher = startFfmpegPublisher({ url: event.ingest.primary.url, maxDurationSec: 40 });
      const started = publisher;
      await waitFor(
        async () =>
          (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body.ingest.primary.state ===
          'live',
        { timeoutMs: 12_000, message: `primary ingest live\n${started.tail()}` },
      );
      assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
      const items = await waitFor(
        async () => {
          const { body } = await timeline(event.id);
          return body.items.some((i) => i.type === 'event_live') ? body.items : null;
        },
        { timeoutMs: 12_000, message: 'event_live in the timeline' },
      );
      // First occurrences; the relay may resume the program again when the event starts.
      const seen = items.map((i) => i.type);
      const inOrder = (order: Array<TimelineEntryJson['type']>): void => {
        const positions = order.map((type) => seen.indexOf(type));
        assert.ok(
          positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)),
          `${order.join(' < ')} in: ${seen.join(', ')}`,
        );
      };
      inOrder(['input_connected', 'input_recovered', 'program_resumed', 'event_live']);
      inOrder(['event_started', 'event_live']);
      const byType = (type: TimelineEntryJson['type']) => items.find((i) => i.type === type)!;
      assert.equal(byType('input_connected').input, 'primary');
      assert.equal(byType('input_recovered').input, 'primary');
      assert.equal(byType('program_resumed').input, 'primary');
      assert.deepEqual(byType('event_live').detail, {});
    } finally {
      await publisher?.stop();
      await stack.request('POST', `/v1/events/${event.id}/stop`);
    }
  });
});

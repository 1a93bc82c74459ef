import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import type { EventJson } from '@relay/contracts';
import type { TimelineEntryJson } from '../../apps/api/src/modules/timeline/timeline.presenter';
import { createEventWithDestinations } from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { insertOrganizationWithKey } from '../utils/organizations';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

/** How long the API's graceful shutdown waits for requests in flight (apps/api/src/main.ts), ms. */
const DRAIN_TIMEOUT_MS = 10_000;

/** One frame of the stream: `type` is the `event:` field, or "comment" for a `:` line. */
interface Frame {
  type: string;
  data: string;
}

/** A client of `GET /v1/events/:id/stream` reading it with fetch() streaming, as the dashboard does. */
class StreamClient {
  readonly frames: Frame[] = [];
  ended = false;
  private readonly abort = new AbortController();

  private constructor(readonly response: Response) {}

  static async open(apiUrl: string, eventId: string, apiKey: string): Promise<StreamClient> {
    const controller = new AbortController();
    const response = await fetch(`${apiUrl}/v1/events/${eventId}/stream`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: controller.signal,
    });
    const client = new StreamClient(response);
    client.abort.signal.addEventListener('abort', () => controller.abort());
    if (response.ok) void client.pump();
    return client;
  }

  /** The `event` frames' data, parsed. */
  events(): EventJson[] {
    return this.frames.filter((f) => f.type === 'event').map((f) => JSON.parse(f.data) as EventJson);
  }

  timeline(): TimelineEntryJson[] {
    return this.frames
      .filter((f) => f.type === 'timeline')
      .map((f) => JSON.parse(f.data) as TimelineEntryJson);
  }

  /** Resolves with the first `event` frame matching `predicate`, among those after the first `skip`. */
  waitForEvent(predicate: (e: EventJson) => boolean, message: string, timeoutMs = 20_000, skip = 0) {
    return waitFor(() => this.events().slice(skip).find(predicate), { timeoutMs, message });
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) this.frames.push({ type: 'comment', data: block.slice(1).trim() });
          else {
            const field = (name: string) =>
              block
                .split('\n')
                .find((l) => l.startsWith(`${name}: `))
                ?.slice(name.length + 2) ?? '';
            this.frames.push({ type: field('event'), data: field('data') });
          }
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }
}

describe('GET /v1/events/:id/stream: live status for dashboards', { timeout: 150_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let db: Client;
  let event: EventJson;
  let stream: StreamClient;
  let primary: Publisher | undefined;
  let backup: Publisher | undefined;
  const otherOrgKey = 'rrk_event_stream_other_organization_0123456789';

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await insertOrganizationWithKey(db, otherOrgKey);
    event = await createEventWithDestinations(
      stack,
      {
        name: 'Stream e2e',
        failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 2000 },
      },
      [{ name: 'nginx', url: destination.url, streamKey: 'stream-e2e-destination-key' }],
    );
  });

  after(async () => {
    stream?.close();
    await Promise.all([primary?.stop(), backup?.stop()]);
    await db?.end();
    await stack?.stop();
    await destination?.stop();
  });

  it('answers 200 text/event-stream and sends the event at once on connect', async () => {
    stream = await StreamClient.open(stack.apiUrl, event.id, stack.apiKey);
    assert.equal(stream.response.status, 200);
    assert.equal(stream.response.headers.get('content-type'), 'text/event-stream');
    assert.equal(stream.response.headers.get('cache-control'), 'no-cache');
    assert.equal(stream.response.headers.get('x-accel-buffering'), 'no');
    const first = await stream.waitForEvent(() => true, 'the first event frame', 2000);
    assert.equal(stream.frames[0]?.type, 'event');
    const got = await stack.request<EventJson>('GET', `/v1/events/${event.id}`);
    assert.deepEqual(first, got.body, 'the same JSON as GET /v1/events/:id');
  });

  it("answers 404 in the error shape for another organization's event, before streaming", async () => {
    const theirs = await fetch(`${stack.apiUrl}/v1/events/${event.id}/stream`, {
      headers: { authorization: `Bearer ${otherOrgKey}` },
    });
    assert.equal(theirs.status, 404);
    assert.match(theirs.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(((await theirs.json()) as { error: { code: string } }).error.code, 'not_found');
    const anonymous = await fetch(`${stack.apiUrl}/v1/events/${event.id}/stream`);
    assert.equal(anonymous.status, 401);
  });

  it('answers 429 to the 11th stream of one API key, and takes one again once a stream closes', async () => {
    const more = await Promise.all(
      Array.from({ length: 9 }, () => StreamClient.open(stack.apiUrl, event.id, stack.apiKey)),
    );
    assert.deepEqual(
      more.map((s) => s.response.status),
      Array.from({ length: 9 }, () => 200),
    );
    const eleventh = await StreamClient.open(stack.apiUrl, event.id, stack.apiKey);
    assert.equal(eleventh.response.status, 429);
    const body = (await eleventh.response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    // Another organization's key has its own allowance.
    const theirEvent = await stack.request<EventJson>('POST', '/v1/events', { name: 'Theirs' }, otherOrgKey);
    const theirs = await StreamClient.open(stack.apiUrl, theirEvent.body.id, otherOrgKey);
    assert.equal(theirs.response.status, 200);
    theirs.close();
    for (const s of more) s.close();
    const again = await waitFor(
      async () => {
        const s = await StreamClient.open(stack.apiUrl, event.id, stack.apiKey);
        if (s.response.status === 200) return s;
        await s.response.body?.cancel();
        return null;
      },
      { timeoutMs: 5000, message: 'a stream accepted once the others closed' },
    );
    again.close();
  });

  it('shows the inputs, the event and the leg going live, then the failover with its timeline entry', async () => {
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, maxDurationSec: 100 });
    backup = startFfmpegPublisher({ url: event.ingest.backup.url, maxDurationSec: 100 });
    await stream.waitForEvent(
      (e) => e.ingest.primary.state === 'live' && e.ingest.backup.state === 'live',
      'both inputs live',
    );
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
    // "standby" may last less than one re-read with both inputs already live: not awaited.
    await stream.waitForEvent(
      (e) => e.status === 'live' && e.activeInput === 'primary' && e.destinations[0]?.state === 'live',
      'the event live on the primary with its leg live',
    );

    primary.kill();
    const failedOver = await stream.waitForEvent(
      (e) => e.activeInput === 'backup',
      'the backup active after the failover',
    );
    assert.equal(failedOver.destinations[0]?.state, 'live');
    const entry = await waitFor(() => stream.timeline().find((t) => t.type === 'failover'), {
      message: 'a timeline frame for the failover',
    });
    assert.equal(entry.input, 'backup');
    const ids = stream.timeline().map((t) => BigInt(t.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : 1)),
      'timeline frames in order',
    );
    assert.equal(new Set(ids).size, ids.length, 'no timeline entry twice');
  });

  it('still follows the event while Redis is away (re-read every 5 s)', async () => {
    await stack.redis.down();
    const seen = stream.events().length;
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, maxDurationSec: 60 });
    await stream.waitForEvent(
      (e) => e.activeInput === 'primary' && e.ingest.primary.state === 'live',
      'the failback seen without notifications',
      25_000,
      seen,
    );
    await stack.redis.up();
    const warnings = stack.relay.lines().filter((l) => l.includes('Event change notifications not sent'));
    assert.equal(warnings.length, 1, 'the relay says once that it cannot notify, and carries on');
  });

  it('sends the rehearsal as it runs and its result', async () => {
    const started = await waitFor(
      async () => {
        const answer = await stack.request<{ id: string }>('POST', `/v1/events/${event.id}/rehearsals`, {
          durationMs: 5000,
        });
        return answer.status === 202 ? answer.body : null; // 503 until the API sees Redis back
      },
      { timeoutMs: 20_000, message: 'a rehearsal started' },
    );
    const rehearsals = () =>
      stream.frames
        .filter((f) => f.type === 'rehearsal')
        .map((f) => JSON.parse(f.data) as { id: string; status: string; verdict: string | null });
    await waitFor(() => rehearsals().find((r) => r.id === started.id && r.status === 'running'), {
      message: 'the running rehearsal',
    });
    const ended = await waitFor(
      () => rehearsals().find((r) => r.id === started.id && r.status !== 'running'),
      { timeoutMs: 30_000, message: 'the rehearsal result' },
    );
    const got = await stack.request(`GET`, `/v1/events/${event.id}/rehearsals/${started.id}`);
    assert.deepEqual(ended, got.body, 'the same JSON as GET /v1/events/:id/rehearsals/:rehearsalId');
  });

  it('never sends the same event JSON twice in a row', () => {
    const events = stream.frames.filter((f) => f.type === 'event').map((f) => f.data);
    assert.ok(events.length >= 5, `${events.length} event frames`);
    for (let i = 1; i < events.length; i++) assert.notEqual(events[i], events[i - 1], `frame ${i}`);
  });

  it('is described in the OpenAPI document as text/event-stream', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: object }> } }>;
    };
    const content = doc.paths['/v1/events/{id}/stream']?.get?.responses['200']?.content ?? {};
    assert.ok('text/event-stream' in content, JSON.stringify(content));
  });

  it('ends open streams when the API stops, without waiting for the drain timeout', async () => {
    const stoppingAt = Date.now();
    const exit = await stack.api.stop('SIGTERM', 15_000);
    assert.equal(exit.code, 0);
    assert.ok(Date.now() - stoppingAt < DRAIN_TIMEOUT_MS, 'the API did not wait for its drain timeout');
    await waitFor(() => stream.ended, { timeoutMs: 1000, message: 'the stream ended' });
    assert.doesNotMatch(stack.api.lines().join('\n'), /still running after/);
  });
});

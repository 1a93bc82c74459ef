import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

/** One sample of the Prometheus text format: `name{a="b",…} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `labels`, or undefined. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]?.value;
}

const OUTPUT_DIR = join(process.cwd(), 'test-output');
const PUBLISHER = { width: 640, height: 360, fps: 25, gopFrames: 25, maxDurationSec: 90 };

describe('Prometheus metrics and health probes of the API and the relay', { timeout: 150_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let event: EventJson;
  let destinationId: string;
  let primary: Publisher | null = null;
  let backup: Publisher | null = null;
  const destinationKey = `metrics-destination-key-${Date.now()}`;

  const relayMetrics = async (): Promise<{ text: string; samples: Sample[] }> => {
    const response = await fetch(`${stack.relayHttpUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    return { text, samples: parseMetrics(text) };
  };
  const getEvent = async (): Promise<EventJson> =>
    (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    const created = await stack.request<EventJson>('POST', '/v1/events', {
      name: 'Metrics e2e',
      failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 60_000 },
    });
    assert.equal(created.status, 201);
    event = created.body;
    const added = await stack.request<{ id: string }>('POST', `/v1/events/${event.id}/destinations`, {
      name: 'nginx',
      url: destination.url,
      streamKey: destinationKey,
    });
    assert.equal(added.status, 201);
    destinationId = added.body.id;
  });

  after(async () => {
    await Promise.all([primary?.stop(), backup?.stop()]);
    await stack?.stop();
    await destination?.stop();
  });

  it('reports each input and leg of an event on air, then the failover when the primary dies', async () => {
    primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PUBLISHER });
    backup = startFfmpegPublisher({ url: event.ingest.backup.url, ...PUBLISHER });
    await waitFor(
      async () => {
        const e = await getEvent();
        return e.ingest.primary.state === 'live' && e.ingest.backup.state === 'live';
      },
      { timeoutMs: 30_000, message: 'both encoders publishing' },
    );
    assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
    const ev = { event_id: event.id };
    const leg = { ...ev, destination_id: destinationId, platform: 'custom' };

    // Bitrates are measured over a few seconds: wait until the leg's is known.
    const { samples } = await waitFor(
      async () => {
        const scraped = await relayMetrics();
        const live = valueOf(scraped.samples, 'relay_leg_state', { ...leg, state: 'live' }) === 1;
        const bitrate = valueOf(scraped.samples, 'relay_leg_bitrate_bits_per_second', leg) ?? 0;
        return live && bitrate > 0 ? scraped : null;
      },
      { timeoutMs: 30_000, intervalMs: 500, message: 'the leg live with a bitrate in /metrics' },
    );
    for (const role of ['primary', 'backup']) {
      const input = { ...ev, role };
      assert.equal(valueOf(samples, 'relay_input_state', { ...input, state: 'live' }), 1, role);
      assert.equal(valueOf(samples, 'relay_input_state', { ...input, state: 'offline' }), 0, role);
      assert.ok(valueOf(samples, 'relay_input_bitrate_bits_per_second', input)! > 50_000, role);
      assert.ok(valueOf(samples, 'relay_input_frames_total', input)! > 0, role);
      assert.ok(valueOf(samples, 'relay_input_last_media_age_seconds', input)! < 1, role);
    }
    assert.equal(valueOf(samples, 'relay_input_on_air', { ...ev, role: 'primary' }), 1);
    assert.equal(valueOf(samples, 'relay_input_on_air', { ...ev, role: 'backup' }), 0);
    assert.equal(valueOf(samples, 'relay_failovers_total', ev), 0);
    assert.equal(valueOf(samples, 'relay_failbacks_total', ev), 0);
    assert.ok(valueOf(samples, 'relay_program_bitrate_bits_per_second', ev)! > 0);
    assert.ok(valueOf(samples, 'relay_program_frames_total', ev)! > 0);
    assert.ok(valueOf(samples, 'relay_event_uptime_seconds', ev)! > 0);
    assert.equal(valueOf(samples, 'relay_leg_state', { ...leg, state: 'live' }), 1);
    assert.equal(valueOf(samples, 'relay_leg_state', { ...leg, state: 'exited' }), 0);
    assert.ok(valueOf(samples, 'relay_leg_bytes_total', leg)! > 0);
    assert.ok(valueOf(samples, 'relay_leg_uptime_seconds', leg)! > 0);
    assert.equal(valueOf(samples, 'relay_leg_restarts_total', leg), 0);
    assert.ok(
      valueOf(samples, 'bullmq_queue_jobs', {
        queue: 'event-pipeline',
        state: 'waiting',
        service: 'relay',
      }) !== undefined,
      'queue depth of event-pipeline',
    );
    assert.ok(valueOf(samples, 'process_resident_memory_bytes', { service: 'relay' })! > 0);
    assert.ok(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds' && s.labels.service === 'relay'));

    primary.kill();
    const failedOver = await waitFor(
      async () => {
        const scraped = (await relayMetrics()).samples;
        return valueOf(scraped, 'relay_failovers_total', ev) === 1 ? scraped : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, message: 'relay_failovers_total goes to 1' },
    );
    assert.equal(valueOf(failedOver, 'relay_input_on_air', { ...ev, role: 'backup' }), 1);
    assert.equal(valueOf(failedOver, 'relay_input_on_air', { ...ev, role: 'primary' }), 0);
    assert.equal(valueOf(failedOver, 'relay_input_state', { ...ev, role: 'primary', state: 'offline' }), 1);
    assert.equal(valueOf(failedOver, 'relay_leg_state', { ...leg, state: 'live' }), 1, 'the leg stays live');
  });

  it('times API requests by route template and status class, not by URL', async () => {
    assert.equal((await stack.request('GET', `/v1/events/${event.id}`)).status, 200);
    assert.equal((await stack.request('GET', '/v1/events/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await stack.request('GET', `/v1/events/${event.id}`, undefined, null)).status, 401);
    assert.equal((await fetch(`${stack.apiUrl}/no/such/route?key=${destinationKey}`)).status, 404);
    const response = await fetch(`${stack.apiUrl}/metrics`);
    assert.equal(response.status, 200, 'no API key needed');
    const text = await response.text();
    const samples = parseMetrics(text);
    const count = (route: string, statusClass: string): number | undefined =>
      valueOf(samples, 'http_request_duration_seconds_count', {
        method: 'GET',
        route,
        status_class: statusClass,
        service: 'api',
      });
    assert.ok(count('/v1/events/:id', '2xx')! >= 1, 'GET /v1/events/:id 2xx');
    assert.ok(count('/v1/events/:id', '4xx')! >= 2, 'GET /v1/events/:id 404 and 401');
    assert.ok(count('unmatched', '4xx')! >= 1, 'a route that does not exist');
    const routes = new Set(samples.filter((s) => s.labels.route).map((s) => s.labels.route));
    for (const route of routes)
      assert.doesNotMatch(route!, /[0-9a-f]{8}-[0-9a-f]{4}-/, `raw URL as route: ${route}`);
    assert.ok(valueOf(samples, 'process_resident_memory_bytes', { service: 'api' })! > 0);
    assert.ok(samples.some((s) => s.name === 'bullmq_queue_jobs' && s.labels.service === 'api'));
  });

  it('shows no stream key and no URL in either /metrics', async () => {
    const ingestKeys = [event.ingest.primary.url, event.ingest.backup.url].map((url) =>
      url.split('/').pop()!,
    );
    const bodies = [(await relayMetrics()).text, await (await fetch(`${stack.apiUrl}/metrics`)).text()];
    // Kept for diagnosis and for the list of series in the README.
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, 'metrics-relay.txt'), bodies[0]!);
    writeFileSync(join(OUTPUT_DIR, 'metrics-api.txt'), bodies[1]!);
    for (const body of bodies) {
      for (const secret of [destinationKey, ...ingestKeys]) assert.ok(!body.includes(secret), 'a stream key');
      assert.doesNotMatch(body, /rtmps?:\/\/|srt:\/\//);
      assert.ok(!body.includes(destination.url), 'a destination URL');
    }
  });

  it('answers /healthz and /readyz on the relay, and names the database when PostgreSQL is down', async () => {
    const health = await fetch(`${stack.relayHttpUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${stack.relayHttpUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      status: 'ok',
      checks: { database: 'ok', redis: 'ok', ffmpeg: 'ok', ingest: 'ok' },
    });
    const apiReady = await fetch(`${stack.apiUrl}/readyz`);
    assert.deepEqual(await apiReady.json(), { status: 'ok', checks: { database: 'ok', redis: 'ok' } });

    await stack.postgres.down();
    try {
      for (const url of [stack.relayHttpUrl, stack.apiUrl]) {
        const down = await fetch(`${url}/readyz`);
        assert.equal(down.status, 503, url);
        assert.equal(down.headers.get('retry-after'), '5', url);
        const body = (await down.json()) as {
          error: { code: string; message: string; details: Array<{ field: string }> };
        };
        assert.equal(body.error.code, 'service_unavailable', url);
        assert.match(body.error.message, /database \(PostgreSQL\) is unavailable/, url);
        assert.deepEqual(
          body.error.details.map((d) => d.field),
          ['database'],
          url,
        );
      }
      assert.equal((await fetch(`${stack.relayHttpUrl}/healthz`)).status, 200, 'still alive');
    } finally {
      await stack.postgres.up();
    }
    await waitFor(async () => (await fetch(`${stack.relayHttpUrl}/readyz`)).status === 200, {
      timeoutMs: 15_000,
      message: 'relay /readyz 200 again',
    });
  });
});

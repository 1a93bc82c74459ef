import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventJson } from '@relay/contracts';
import { analyzeTimeline, probePackets } from '../utils/ffprobe';
import { assertOneCleanRecording } from '../utils/live-event';
import type { TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor, type ManagedProcess } from '../utils/processes';
import type { ApiResponse, RelayStack } from '../utils/relay-stack';

/** Largest hole a destination may see in its timeline through a fault (s), as in the failover e2e. */
export const MAX_HOLE_SEC = 1.0;

const OUTPUT_DIR = join(process.cwd(), 'test-output');

/** The one JSON error shape of the API. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Reads the event as the dashboard does. */
export async function getEvent(stack: RelayStack, eventId: string): Promise<ApiResponse<EventJson>> {
  return stack.request<EventJson>('GET', `/v1/events/${eventId}`);
}

/** Creates an event with one destination per nginx-rtmp server; returns it as created. */
export async function createEvent(
  stack: RelayStack,
  name: string,
  destinations: TestNginxRtmp[],
): Promise<EventJson> {
  const created = await stack.request<EventJson>('POST', '/v1/events', {
    name,
    failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 3000 },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  for (const [i, destination] of destinations.entries()) {
    await addDestination(stack, created.body.id, destination, i);
  }
  return created.body;
}

/** Adds `destination` to the event (stream key `destination-key-<index>`); asserts 201. */
export async function addDestination(
  stack: RelayStack,
  eventId: string,
  destination: TestNginxRtmp,
  index: number,
): Promise<string> {
  const added = await stack.request<{ id: string }>('POST', `/v1/events/${eventId}/destinations`, {
    name: `nginx ${index}`,
    url: destination.url,
    streamKey: `destination-key-${index}`,
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  return added.body.id;
}

/** Adds a destination with its own name, URL, stream key and optional `legPolicy`; asserts 201. */
export async function addNamedDestination(
  stack: RelayStack,
  eventId: string,
  destination: { name: string; url: string; streamKey: string; legPolicy?: object },
): Promise<string> {
  const { legPolicy, ...rest } = destination;
  const added = await stack.request<{ id: string }>('POST', `/v1/events/${eventId}/destinations`, {
    ...rest,
    ...(legPolicy ? { legPolicy } : {}),
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  return added.body.id;
}

/** One timeline entry as `GET /v1/events/:id/timeline` answers it (the fields the fault tests read). */
export interface TimelineEntry {
  at: string;
  type: string;
  destinationId?: string;
  detail: Record<string, unknown>;
}

/** The event's timeline as the API lists it (up to 500 entries). */
export async function eventTimeline(stack: RelayStack, eventId: string): Promise<TimelineEntry[]> {
  return (await stack.request<{ items: TimelineEntry[] }>('GET', `/v1/events/${eventId}/timeline?limit=500`))
    .body.items;
}

/** Waits until the API shows what `check` wants of the event; resolves with that view. */
export async function waitForEvent(
  stack: RelayStack,
  eventId: string,
  check: (event: EventJson) => boolean,
  message: string,
  timeoutMs = 30_000,
): Promise<EventJson> {
  return waitFor(
    async () => {
      const response = await getEvent(stack, eventId);
      return response.status === 200 && check(response.body) ? response.body : null;
    },
    { timeoutMs, message },
  );
}

/**
 * Waits until the primary publishes, starts the event (`POST /v1/events/:id/start`, asserts 202), then
 * waits until it is live with every leg live (30 s each). Start the encoder first; the caller stops it.
 */
export async function goLive(stack: RelayStack, eventId: string): Promise<EventJson> {
  await waitForEvent(stack, eventId, (e) => e.ingest.primary.state === 'live', 'primary publishing');
  assert.equal((await stack.request('POST', `/v1/events/${eventId}/start`)).status, 202);
  return waitForEvent(
    stack,
    eventId,
    (e) => e.status === 'live' && e.destinations.every((d) => d.state === 'live'),
    'event live with every leg live',
  );
}

/**
 * Watches how the recordings of destinations grow, every 50 ms: the longest time a destination received
 * nothing, in a window, is the wall-clock time it was off air.
 */
export class RecordingWatch {
  private readonly samples: Array<{ at: number; sizes: number[] }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly destinations: TestNginxRtmp[]) {
    this.timer = setInterval(() => this.sample(), 50);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Per destination, the longest span in [from, to] (ms since epoch) during which its recording did not grow, ms. */
  longestStallMs(from: number, to: number): number[] {
    return this.destinations.map((_, i) => {
      let longest = 0;
      let lastGrowth = from;
      let previous: number | undefined;
      for (const sample of this.samples) {
        const size = sample.sizes[i] ?? 0;
        if (sample.at < from) {
          previous = size;
          continue;
        }
        if (sample.at > to) break;
        if (previous === undefined || size > previous) {
          longest = Math.max(longest, sample.at - lastGrowth);
          lastGrowth = sample.at;
        }
        previous = size;
      }
      return Math.max(longest, Math.min(to, this.samples.at(-1)?.at ?? to) - lastGrowth);
    });
  }

  private sample(): void {
    const sizes = this.destinations.map((destination) => {
      const file = destination.recordings().at(-1);
      try {
        return file ? statSync(file).size : 0;
      } catch {
        return 0;
      }
    });
    this.samples.push({ at: Date.now(), sizes });
  }
}

/**
 * Waits until every destination's recording holds media and keeps growing: what a viewer of the platform
 * would call "on air". (A new leg's recording holds only the FLV header for several seconds first.)
 */
export async function waitUntilReceiving(destinations: TestNginxRtmp[], timeoutMs = 30_000): Promise<void> {
  const size = (destination: TestNginxRtmp): number => {
    const file = destination.recordings().at(-1);
    try {
      return file ? statSync(file).size : 0;
    } catch {
      return 0;
    }
  };
  for (const destination of destinations) {
    await waitFor(
      async () => {
        const before = size(destination);
        if (before < 64 * 1024) return false;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return size(destination) > before;
      },
      { timeoutMs, message: `media recorded at ${destination.url}` },
    );
  }
}

/** What {@link assertContinuous} measured at one destination. */
export interface ContinuityReport {
  /** Largest forward step of the timeline per stream, s. */
  largestHoleSec: Record<string, number>;
  lines: string[];
}

/**
 * What a platform would check: the destination saw exactly one connection, its recording decodes without
 * errors, and no stream's timeline has a hole above {@link MAX_HOLE_SEC} or goes back.
 */
export async function assertContinuous(destination: TestNginxRtmp, label: string): Promise<ContinuityReport> {
  const file = await assertOneCleanRecording(destination, label);
  const report: ContinuityReport = { largestHoleSec: {}, lines: [] };
  for (const stream of await probePackets(file)) {
    const timeline = analyzeTimeline(stream.packets);
    report.largestHoleSec[stream.codecType] = timeline.largestGapSec;
    report.lines.push(
      `${label} ${stream.codecType}: ${timeline.packetCount} packets over ` +
        `${((timeline.lastSec ?? 0) - (timeline.firstSec ?? 0)).toFixed(1)} s, largest hole ${timeline.largestGapSec.toFixed(3)} s`,
    );
    assert.ok(timeline.packetCount > 0, `${label} ${stream.codecType} has packets`);
    assert.equal(timeline.backwardsJumps, 0, `${label} ${stream.codecType} timestamps never go back`);
    assert.ok(
      timeline.largestGapSec <= MAX_HOLE_SEC,
      `${label} ${stream.codecType} hole ${timeline.largestGapSec} s`,
    );
  }
  return report;
}

/** Asserts the one JSON error shape, status 503 `service_unavailable`, a `Retry-After`, and a message matching. */
export function assertUnavailable(response: ApiResponse<unknown>, message: RegExp, what: string): void {
  assert.equal(response.status, 503, `${what}: ${JSON.stringify(response.body)}`);
  const body = response.body as ErrorBody;
  assert.deepEqual(Object.keys(body), ['error'], `${what}: one JSON error shape`);
  assert.equal(body.error.code, 'service_unavailable', what);
  assert.match(body.error.message, message, what);
}

/** `fetch` of a path without auth, with the Retry-After header: for /healthz, /readyz. */
export async function probe(
  stack: RelayStack,
  path: string,
): Promise<ApiResponse<unknown> & { retryAfter: string | null }> {
  const response = await fetch(`${stack.apiUrl}${path}`);
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : null,
    retryAfter: response.headers.get('retry-after'),
  };
}

/** Keeps the relay and API logs of a fault run in test-output/ for diagnosis. */
export function keepLogs(stack: RelayStack | undefined, name: string): void {
  if (!stack) return;
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, `${name}-relay.log`), stack.relay.lines().join('\n'));
  writeFileSync(join(OUTPUT_DIR, `${name}-api.log`), stack.api.lines().join('\n'));
}

/**
 * Keeps the log of a relay process started beside the stack's (see startRelayProcess) in
 * test-output/<name>.log, then stops it (SIGTERM, SIGKILL after 10 s). Nothing if it never started.
 */
export async function stopExtraRelay(relay: ManagedProcess | undefined, name: string): Promise<void> {
  if (!relay) return;
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, `${name}.log`), relay.lines().join('\n'));
  await relay.stop('SIGTERM', 10_000);
}

/** Milliseconds as seconds with one decimal, for reports. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

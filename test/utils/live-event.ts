import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventJson } from '@relay/contracts';
import { decodeErrors } from './ffprobe';
import type { TestNginxRtmp } from './nginx-rtmp';
import { waitFor } from './processes';
import {
  startFfmpegPublisher,
  startGstPublisher,
  type GstPublisherOptions,
  type Publisher,
  type PublisherOptions,
} from './publishers';
import type { RelayStack } from './relay-stack';

/**
 * The steps media tests share to put an event on air through the REST API v1 and judge what the
 * destinations recorded. Each step asserts the answer a user would check (201, 202) and bounds its wait.
 */

/** A destination as `POST /v1/events/:id/destinations` takes it. */
export interface DestinationBody {
  name: string;
  url: string;
  streamKey: string;
}

/** One destination per nginx-rtmp server: named `nginx <i>`, stream key `<keyPrefix>-<i>`. */
export function nginxDestinations(servers: TestNginxRtmp[], keyPrefix: string): DestinationBody[] {
  return servers.map((server, i) => ({
    name: `nginx ${i}`,
    url: server.url,
    streamKey: `${keyPrefix}-${i}`,
  }));
}

/**
 * Creates an event with `body` (`POST /v1/events`, asserts 201), then adds `destinations` in order
 * (asserts 201 each). Resolves with the event as created.
 */
export async function createEventWithDestinations(
  stack: RelayStack,
  body: { name: string; failover?: Record<string, unknown> },
  destinations: DestinationBody[],
): Promise<EventJson> {
  const created = await stack.request<EventJson>('POST', '/v1/events', body);
  assert.equal(created.status, 201);
  for (const destination of destinations) {
    const added = await stack.request('POST', `/v1/events/${created.body.id}/destinations`, destination);
    assert.equal(added.status, 201);
  }
  return created.body;
}

/** `GET /v1/events/:id` as the dashboard reads it: the body only. */
export function eventReader(stack: RelayStack, eventId: string): () => Promise<EventJson> {
  return async () => (await stack.request<EventJson>('GET', `/v1/events/${eventId}`)).body;
}

/** Both encoders of an event. */
export interface Encoders {
  primary: Publisher;
  backup: Publisher;
}

/**
 * Starts an ffmpeg primary and a GStreamer (rtmp2sink) backup on the event's ingest URLs, then waits
 * up to 30 s until the API shows both live. On a timeout both are stopped before the error is thrown.
 */
export async function startEncoders(
  stack: RelayStack,
  event: EventJson,
  options: { primary: Omit<PublisherOptions, 'url'>; backup: Omit<GstPublisherOptions, 'url' | 'sink'> },
): Promise<Encoders> {
  const primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...options.primary });
  const backup = startGstPublisher({ url: event.ingest.backup.url, ...options.backup, sink: 'rtmp2sink' });
  try {
    await waitForEncoders(stack, event.id);
  } catch (error) {
    await Promise.all([primary.stop(), backup.stop()]);
    throw error;
  }
  return { primary, backup };
}

/** Waits up to 30 s until the API shows both encoders of the event live (publishing). */
export async function waitForEncoders(stack: RelayStack, eventId: string): Promise<void> {
  const getEvent = eventReader(stack, eventId);
  await waitFor(
    async () => {
      const e = await getEvent();
      return e.ingest.primary.state === 'live' && e.ingest.backup.state === 'live';
    },
    { timeoutMs: 30_000, message: 'both encoders publishing' },
  );
}

/**
 * Starts the event (`POST /v1/events/:id/start`, asserts 202) and waits up to 30 s until it is live on
 * the primary with every leg live. Resolves with that view of the event.
 */
export async function goLiveOnPrimary(stack: RelayStack, eventId: string): Promise<EventJson> {
  assert.equal((await stack.request('POST', `/v1/events/${eventId}/start`)).status, 202);
  const getEvent = eventReader(stack, eventId);
  return waitFor(
    async () => {
      const e = await getEvent();
      return e.status === 'live' &&
        e.activeInput === 'primary' &&
        e.destinations.every((d) => d.state === 'live')
        ? e
        : null;
    },
    { timeoutMs: 30_000, message: 'event live on the primary with every leg live' },
  );
}

/**
 * Stops the event (`POST /v1/events/:id/stop`, asserts 202) and waits up to 15 s per destination until
 * nginx-rtmp has seen its leg close (one finished publish at least).
 */
export async function stopEventAndLegs(
  stack: RelayStack,
  eventId: string,
  destinations: TestNginxRtmp[],
): Promise<void> {
  assert.equal((await stack.request('POST', `/v1/events/${eventId}/stop`)).status, 202);
  for (const destination of destinations) {
    await waitFor(() => destination.publishCount() >= 1, {
      timeoutMs: 15_000,
      message: 'the leg closed its connection',
    });
  }
}

/**
 * What a platform checks first: the destination saw exactly one connection, has exactly one recording,
 * and it decodes without errors. Resolves with the recording's path; `label` names it in messages.
 */
export async function assertOneCleanRecording(destination: TestNginxRtmp, label: string): Promise<string> {
  assert.equal(destination.publishCount(), 1, `${label} saw exactly one connection`);
  const recordings = destination.recordings();
  assert.equal(recordings.length, 1, `${label} has exactly one recording`);
  const file = recordings[0]!;
  assert.deepEqual(await decodeErrors(file), [], `${label} decodes without errors`);
  return file;
}

/** Keeps the relay's log in test-output/<name>-relay.log for diagnosis (nothing if the stack never started). */
export function keepRelayLog(stack: RelayStack | undefined, name: string): void {
  const dir = join(process.cwd(), 'test-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}-relay.log`), stack?.relay.lines().join('\n') ?? '');
}

/**
 * The `after()` of a media test: stops the encoders, keeps the relay log (see {@link keepRelayLog}),
 * stops the stack, then the destination servers. Tolerates parts that never started (undefined or null).
 */
export async function tearDownLiveEvent(
  stack: RelayStack | undefined,
  logName: string,
  encoders: Array<Publisher | null | undefined>,
  servers: Array<{ stop(): Promise<unknown> } | null | undefined>,
): Promise<void> {
  await Promise.all(encoders.flatMap((encoder) => (encoder ? [encoder.stop()] : [])));
  keepRelayLog(stack, logName);
  await stack?.stop();
  await Promise.all(servers.flatMap((server) => (server ? [server.stop()] : [])));
}

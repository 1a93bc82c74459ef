import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DestinationJson, EventJson } from '@relay/contracts';
import { decodeErrors, probePackets } from '../utils/ffprobe';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { startTcpProxy, type TestTcpProxy } from '../utils/tcp-proxy';
import {
  addNamedDestination,
  assertContinuous,
  eventTimeline,
  getEvent,
  keepLogs,
  seconds,
  type TimelineEntry,
  waitForEvent,
  waitUntilReceiving,
} from './fault-kit';

/**
 * The flaky destination drops its connection this long after accepting it (ms). The issue says 20 s;
 * the test watches two drops, which keeps the file near 90 s.
 */
const DROP_EVERY_MS = 20_000;
/** A small give-up rule for the refusing and unreachable destinations, so the test sees it quickly. */
const GIVE_UP = { giveUpAfterFailures: 3, maxBackoffMs: 2000, giveUpWindowMs: 60_000 };

/**
 * Samples every 50 ms how many bytes each destination has recorded over all its connections; the
 * longest time a total did not grow is how long that destination was off air.
 */
class ByteWatch {
  private readonly samples: Array<{ at: number; bytes: number[] }> = [];
  private readonly timer = setInterval(() => this.sample(), 50);

  constructor(private readonly destinations: TestNginxRtmp[]) {}

  stop(): void {
    clearInterval(this.timer);
  }

  /** Spans (ms) longer than `minMs` in [from, to] during which destination `i` received nothing. */
  offAir(i: number, from: number, to: number, minMs = 300): number[] {
    const spans: number[] = [];
    let lastGrowth = from;
    let previous: number | undefined;
    for (const { at, bytes } of this.samples) {
      const size = bytes[i] ?? 0;
      if (at < from || at > to) {
        if (at < from) previous = size;
        continue;
      }
      if (previous === undefined || size > previous) {
        if (at - lastGrowth > minMs) spans.push(at - lastGrowth);
        lastGrowth = at;
      }
      previous = size;
    }
    return spans;
  }

  private sample(): void {
    const total = (d: TestNginxRtmp): number =>
      d.recordings().reduce((sum, file) => {
        try {
          return sum + statSync(file).size;
        } catch {
          return sum;
        }
      }, 0);
    this.samples.push({ at: Date.now(), bytes: this.destinations.map(total) });
  }
}

describe(
  'fault: destinations that refuse the key, are unreachable, or drop the connection',
  { timeout: 170_000 },
  () => {
    let stack: RelayStack;
    let good: TestNginxRtmp;
    let refusing: TestNginxRtmp;
    let flakyBackend: TestNginxRtmp;
    let proxy: TestTcpProxy;
    let added: TestNginxRtmp;
    let publisher: Publisher | undefined;
    let watch: ByteWatch | undefined;
    let event: EventJson;
    const ids: Record<'good' | 'refusing' | 'unreachable' | 'flaky', string> = {
      good: '',
      refusing: '',
      unreachable: '',
      flaky: '',
    };

    const destination = async (id: string): Promise<DestinationJson> =>
      (await getEvent(stack, event.id)).body.destinations.find((d) => d.id === id)!;
    const timeline = (): Promise<TimelineEntry[]> => eventTimeline(stack, event.id);
    const add = (name: string, url: string, streamKey: string, legPolicy?: object): Promise<string> =>
      addNamedDestination(stack, event.id, { name, url, streamKey, legPolicy });

    before(async () => {
      stack = await startRelayStack();
      good = await startNginxRtmp();
      refusing = await startNginxRtmp({ denyPublish: true });
      flakyBackend = await startNginxRtmp();
      proxy = await startTcpProxy({ targetPort: flakyBackend.port, cutAfterMs: DROP_EVERY_MS });
      added = await startNginxRtmp();
      const created = await stack.request<EventJson>('POST', '/v1/events', {
        name: 'Leg faults',
        failover: { stallTimeoutMs: 1000 },
      });
      assert.equal(created.status, 201);
      event = created.body;
      assert.deepEqual(event.legPolicy, {
        maxBackoffMs: 30_000,
        giveUpAfterFailures: 10,
        giveUpWindowMs: 600_000,
      });
      ids.good = await add('good', good.url, 'good-key-0123456789');
      ids.refusing = await add('refusing', refusing.url, 'refused-key-0123456789', GIVE_UP);
      ids.unreachable = await add(
        'unreachable',
        'rtmp://127.0.0.1:9/live',
        'unreachable-key-0123456789',
        GIVE_UP,
      );
      ids.flaky = await add('flaky', `rtmp://127.0.0.1:${proxy.port}/live`, 'flaky-key-0123456789');
    });

    after(async () => {
      watch?.stop();
      await publisher?.stop();
      keepLogs(stack, 'fault-leg-destinations');
      await stack?.stop();
      await proxy?.stop();
      for (const d of [good, refusing, flakyBackend, added]) await d?.stop();
    });

    it('validates leg policies with a 400 naming the field, and lets a destination override the event', async () => {
      const bad = await stack.request<{ error: { code: string; message: string } }>(
        'PATCH',
        `/v1/events/${event.id}`,
        { legPolicy: { maxBackoffMs: 10, giveUpAfterFailures: -1 } },
      );
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /legPolicy\.maxBackoffMs must be at least 1000 ms/);
      assert.match(
        bad.body.error.message,
        /legPolicy\.giveUpAfterFailures must be 0 \(never give up\) or more/,
      );

      const path = `/v1/events/${event.id}/destinations/${ids.good}`;
      const overridden = await stack.request<DestinationJson>('PATCH', path, {
        legPolicy: { giveUpAfterFailures: 20 },
      });
      assert.equal(overridden.status, 200, JSON.stringify(overridden.body));
      assert.deepEqual(overridden.body.legPolicy, {
        maxBackoffMs: 30_000,
        giveUpAfterFailures: 20,
        giveUpWindowMs: 600_000,
      });
      const cleared = await stack.request<DestinationJson>('PATCH', path, {
        legPolicy: { giveUpAfterFailures: null },
      });
      assert.equal(cleared.body.legPolicy.giveUpAfterFailures, 10, "null goes back to the event's value");
      const refusing = (await getEvent(stack, event.id)).body.destinations.find((d) => d.id === ids.refusing);
      assert.deepEqual(refusing?.legPolicy, { ...GIVE_UP });
    });

    it('gives up on the refusing and unreachable destinations, keeps the flaky one supervised, never touches the good one', async () => {
      publisher = startFfmpegPublisher({
        url: event.ingest.primary.url,
        width: 640,
        height: 360,
        fps: 30,
        gopFrames: 30,
        maxDurationSec: 160,
      });
      await waitForEvent(stack, event.id, (e) => e.ingest.primary.state === 'live', 'primary publishing');
      watch = new ByteWatch([good, flakyBackend, added]);
      assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);

      const gaveUp = await waitForEvent(
        stack,
        event.id,
        (e) =>
          ['refusing', 'unreachable'].every(
            (n) => e.destinations.find((d) => d.name === n)?.state === 'failed',
          ),
        'the refusing and unreachable destinations failed',
      );
      const byName = (n: string): DestinationJson => gaveUp.destinations.find((d) => d.name === n)!;
      assert.match(byName('refusing').lastError ?? '', /stream key was probably refused/);
      assert.match(byName('unreachable').lastError ?? '', /refused the connection|unreachable/);
      assert.equal(byName('refusing').restarts, 2, 'three runs: the first and two restarts');
      const text = JSON.stringify(gaveUp) + JSON.stringify(await timeline()) + stack.logs().join('\n');
      for (const key of ['refused-key-0123456789', 'unreachable-key-0123456789'])
        assert.ok(!text.includes(key), 'no stream key shown');
      const connected = (await timeline())
        .filter((t) => t.type === 'leg_connected')
        .map((t) => t.destinationId);
      assert.ok(!connected.includes(ids.refusing), 'the refusing destination was never shown live');
      assert.ok(!connected.includes(ids.unreachable), 'nor the unreachable one');
      const gaveUpEntries = (await timeline()).filter((t) => t.type === 'leg_gave_up');
      assert.deepEqual(
        gaveUpEntries.map((t) => t.destinationId).sort(),
        [ids.refusing, ids.unreachable].sort(),
      );
      assert.equal(gaveUpEntries.find((t) => t.destinationId === ids.refusing)?.detail.failures, 3);

      await waitUntilReceiving([good]);
      // The flaky destination is dropped every DROP_EVERY_MS and comes back each time.
      await waitFor(async () => proxy.cuts() >= 2 && (await destination(ids.flaky)).state === 'live', {
        timeoutMs: 3 * DROP_EVERY_MS + 15_000,
        message: 'the flaky destination was dropped twice and is live again',
      });
      const flaky = await destination(ids.flaky);
      assert.ok(flaky.restarts >= 2, `flaky restarted ${flaky.restarts} times`);
      assert.equal((await destination(ids.good)).restarts, 0, 'the good destination never restarted');
      assert.equal((await destination(ids.refusing)).state, 'failed', 'a leg that gave up stays down');
    });

    it('starts a failed destination again by hand: it goes back to retrying, then gives up again', async () => {
      const before = await destination(ids.refusing);
      const retried = await stack.request<DestinationJson>(
        'POST',
        `/v1/events/${event.id}/destinations/${ids.refusing}/retry`,
      );
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.notEqual(retried.body.state, 'failed');
      await waitFor(async () => (await destination(ids.refusing)).restarts >= before.restarts + 3, {
        timeoutMs: 20_000,
        message: 'the refusing destination was retried three more times',
      });
      await waitFor(async () => (await destination(ids.refusing)).state === 'failed', {
        timeoutMs: 10_000,
        message: 'and gave up again',
      });
      const byHand = (await timeline()).filter((t) => t.type === 'leg_restarted' && t.detail.byHand === true);
      assert.deepEqual(
        byHand.map((t) => t.destinationId),
        [ids.refusing],
      );

      const idle = (await stack.request<EventJson>('POST', '/v1/events', { name: 'Idle' })).body;
      const idleDestination = (
        await stack.request<DestinationJson>('POST', `/v1/events/${idle.id}/destinations`, {
          name: 'x',
          url: good.url,
        })
      ).body;
      const conflict = await stack.request<{ error: { code: string; message: string } }>(
        'POST',
        `/v1/events/${idle.id}/destinations/${idleDestination.id}/retry`,
      );
      assert.equal(conflict.status, 409);
      assert.match(conflict.body.error.message, /not on air: start it with POST \/v1\/events\/:id\/start/);
    });

    it('starts a destination added while live at a keyframe and stops it cleanly when removed; the others are undisturbed', async () => {
      const addedAt = Date.now();
      const addedId = await add('added', added.url, 'added-key-0123456789');
      await waitUntilReceiving([added]);
      const addedReceivingMs = Date.now() - addedAt;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.equal(
        (await stack.request('DELETE', `/v1/events/${event.id}/destinations/${addedId}`)).status,
        204,
      );
      await waitFor(async () => added.publishCount() === 1, {
        timeoutMs: 10_000,
        message: 'the removed leg ended its session',
      });
      const file = added.recordings()[0]!;
      assert.equal(added.recordings().length, 1);
      assert.deepEqual(await decodeErrors(file), [], 'the added destination decodes from its first frame');
      const video = (await probePackets(file)).find((s) => s.codecType === 'video')!;
      assert.ok(video.packets[0]?.flags.startsWith('K'), 'its first video packet is a keyframe');

      const stoppedAt = Date.now();
      assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);
      await waitFor(async () => good.publishCount() === 1, {
        timeoutMs: 15_000,
        message: 'the good leg ended its session',
      });
      const report = await assertContinuous(good, 'good destination');
      watch!.stop();

      const startedAt = Math.min(
        ...[good, flakyBackend].map((d) => statSync(d.recordings()[0]!).birthtimeMs || 0),
      );
      const entries = await timeline();
      const liveAt = Date.parse(entries.find((t) => t.type === 'event_live')!.at);
      const gaveUpAfter = (id: string): string =>
        seconds(
          Date.parse(entries.find((t) => t.type === 'leg_gave_up' && t.destinationId === id)!.at) - liveAt,
        );
      const lines = [
        `refusing destination: failed ${gaveUpAfter(ids.refusing)} after the event went live (3 failures)`,
        `unreachable destination: failed ${gaveUpAfter(ids.unreachable)} after the event went live (3 failures)`,
        `added destination: receiving media ${seconds(addedReceivingMs)} after POST (64 kB recorded and growing)`,
        ...report.lines,
        `good destination: off air ${
          watch!
            .offAir(0, startedAt + 5000, stoppedAt)
            .map(seconds)
            .join(', ') || 'never'
        } (spans > 0.3 s)`,
        `flaky destination (dropped every ${seconds(DROP_EVERY_MS)}): ${proxy.cuts()} drops, off air ${watch!
          .offAir(1, startedAt + 5000, stoppedAt)
          .map(seconds)
          .join(', ')}; ${flakyBackend.publishCount()} connections`,
      ];
      console.log(lines.join('\n'));
      const goodEvent = (await getEvent(stack, event.id)).body;
      assert.equal(goodEvent.destinations.find((d) => d.id === ids.good)?.restarts, 0);
    });
  },
);

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson, IngestState, InputRole } from '@relay/contracts';
import {
  analyzeTimeline,
  decodeErrors,
  lastTagTimestampMs,
  probeFrameSizes,
  probePackets,
  runsOf,
} from '../utils/ffprobe';
import {
  createEventWithDestinations,
  goLiveOnPrimary,
  nginxDestinations,
  startEncoders,
  stopEventAndLegs,
  tearDownLiveEvent,
} from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import type { Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

const PRIMARY = { width: 854, height: 480 };
const BACKUP = { width: 640, height: 360 };
const STALL_TIMEOUT_MS = 1000;
const FAILBACK_AFTER_MS = 500;
/** How long the primary stays frozen after the failover (ms): its backlog is this plus the detection. */
const FROZEN_AFTER_FAILOVER_MS = 6000;
/** Largest hole a destination may see in its timeline across a failover or failback (s). */
const MAX_HOLE_SEC = 1.0;
/**
 * The switcher's bound on how far the program may run ahead of the wall clock across switches
 * (SwitcherSettings.maxDriftMs, default 2000 ms), in seconds.
 */
const MAX_AHEAD_SEC = 2.0;

/** One entry of `GET /v1/events/:id/timeline` (REST API v1). */
interface TimelineEntry {
  id: string;
  at: string;
  type: string;
  input?: InputRole;
  destinationId?: string;
  detail: Record<string, unknown>;
}

/** What the dashboard and destination 0 showed at one poll; `destinationMs`: its last recorded tag. */
interface Sample {
  at: number;
  primary: IngestState;
  activeInput: InputRole | null;
  primaryKbps: number | null;
  destinationMs: number | null;
}

/** What the scenario observed, judged by the tests below. */
interface Observed {
  samples: Sample[];
  pausedAt: number;
  resumedAt: number;
  detectionMs: number;
  recoveryMs: number;
  failbackMs: number;
  bitrateBeforeKbps: number | null;
  /** Timeline entries written from just before the pause to the end of the show. */
  entries: TimelineEntry[];
  primaryConnections: number;
  primaryStillRunning: boolean;
  relayLog: string;
  destinationsBeforeStop: EventJson['destinations'];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(
  'stall end to end: a frozen primary (SIGSTOP) is caught by the media watchdog alone',
  { timeout: 180_000 },
  () => {
    let stack: RelayStack;
    let destinations: TestNginxRtmp[] = [];
    let primary: Publisher | null = null;
    let backup: Publisher | null = null;
    let event: EventJson;
    let observed: Observed;
    const report: string[] = [];

    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
    const timelineAfter = async (cursor: string | null): Promise<TimelineEntry[]> => {
      const query = cursor ? `?limit=500&after=${cursor}` : '?limit=500';
      const page = await stack.request<{ items: TimelineEntry[] }>(
        'GET',
        `/v1/events/${event.id}/timeline${query}`,
      );
      assert.equal(page.status, 200);
      return page.body.items;
    };

    /** Live on the primary, freeze it, wait for the failover, thaw it, wait for the failback, stop. */
    const runShow = async (): Promise<Observed> => {
      ({ primary, backup } = await startEncoders(stack, event, {
        primary: { ...PRIMARY, fps: 30, gopFrames: 30 },
        backup: BACKUP,
      }));
      await goLiveOnPrimary(stack, event.id);
      await sleep(3000);

      const bitrateBeforeKbps = (await getEvent()).ingest.primary.media?.video?.bitrateKbps ?? null;
      const cursor = (await timelineAfter(null)).at(-1)?.id ?? null;
      assert.ok(cursor, 'the timeline has entries before the stall');
      const samples: Sample[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const e = await getEvent().catch(() => null);
          const file = destinations[0]!.recordings()[0];
          if (e) {
            samples.push({
              at: Date.now(),
              primary: e.ingest.primary.state,
              activeInput: e.activeInput,
              primaryKbps: e.ingest.primary.media?.video?.bitrateKbps ?? null,
              destinationMs: file ? lastTagTimestampMs(file) : null,
            });
          }
          await sleep(100);
        }
      })();
      await sleep(500);

      primary.pause();
      const pausedAt = Date.now();
      await waitFor(
        async () => {
          const e = await getEvent();
          return e.activeInput === 'backup' && e.ingest.primary.state === 'stalled';
        },
        { timeoutMs: 5000, intervalMs: 50, message: 'primary stalled and the backup on air' },
      );
      const detectionMs = Date.now() - pausedAt;
      await sleep(FROZEN_AFTER_FAILOVER_MS);

      primary.resume();
      const resumedAt = Date.now();
      await waitFor(async () => (await getEvent()).ingest.primary.state === 'live', {
        timeoutMs: 5000,
        intervalMs: 50,
        message: 'the resumed primary live again',
      });
      const recoveryMs = Date.now() - resumedAt;
      await waitFor(async () => (await getEvent()).activeInput === 'primary', {
        timeoutMs: 15_000,
        intervalMs: 50,
        message: 'failback to the primary',
      });
      const failbackMs = Date.now() - resumedAt;
      await sleep(3000);
      sampling = false;
      await sampler;

      const destinationsBeforeStop = (await getEvent()).destinations;
      const primaryStillRunning = primary.tail().endsWith('(running)');
      const relayLog = stack.relay.lines().join('\n');
      await stopEventAndLegs(stack, event.id, destinations);
      const primaryConnections = (await timelineAfter(null)).filter(
        (e) => e.type === 'input_connected' && e.input === 'primary',
      ).length;
      const entries = await timelineAfter(cursor);
      return {
        samples,
        pausedAt,
        resumedAt,
        detectionMs,
        recoveryMs,
        failbackMs,
        bitrateBeforeKbps,
        entries,
        primaryConnections,
        primaryStillRunning,
        relayLog,
        destinationsBeforeStop,
      };
    };

    before(async () => {
      stack = await startRelayStack();
      destinations = [await startNginxRtmp(), await startNginxRtmp()];
      event = await createEventWithDestinations(
        stack,
        {
          name: 'Stall e2e',
          failover: {
            mode: 'primary-preferred',
            stallTimeoutMs: STALL_TIMEOUT_MS,
            failbackAfterMs: FAILBACK_AFTER_MS,
          },
        },
        nginxDestinations(destinations, 'stall-key'),
      );
      observed = await runShow();
      report.push(
        `detection: API showed the backup on air ${observed.detectionMs} ms after the pause`,
        `resume: primary live after ${observed.recoveryMs} ms, on air after ${observed.failbackMs} ms`,
      );
    });

    after(async () => {
      await tearDownLiveEvent(stack, 'stall', [primary, backup], destinations);
      process.stdout.write(`# ${report.join('\n# ')}\n`);
    });

    it('shows the frozen primary as stalled, never offline, and puts the backup on air', () => {
      const { samples } = observed;
      assert.deepEqual(runsOf(samples.map((s) => s.primary)), ['live', 'stalled', 'live'], 'primary states');
      assert.deepEqual(runsOf(samples.map((s) => s.activeInput)), ['primary', 'backup', 'primary']);
      // The TCP connection stayed open: one session from start to end, no disconnect in the relay log.
      assert.equal(observed.primaryConnections, 1, 'the primary connected once');
      assert.doesNotMatch(observed.relayLog, /: primary offline/);
      assert.ok(observed.primaryStillRunning, 'the primary encoder still runs');
    });

    it('records the loss as missing media and the failover with its signals on the timeline', () => {
      const { entries } = observed;
      const kinds = entries.map((e) => `${e.type}${e.input ? `:${e.input}` : ''}`);
      // Up to the stop: what the stall caused, and nothing about the legs.
      const stopAt = kinds.indexOf('event_stopped');
      assert.deepEqual(kinds.slice(0, stopAt === -1 ? undefined : stopAt), [
        'input_lost:primary',
        'failover:backup',
        'input_recovered:primary',
        'failback:primary',
      ]);
      const lost = entries.find((e) => e.type === 'input_lost')!;
      const noMedia = /^no media for (\d+) ms$/.exec(String(lost.detail.reason));
      assert.ok(noMedia, `loss reason names the missing media: ${String(lost.detail.reason)}`);
      assert.ok(Number(noMedia[1]) > STALL_TIMEOUT_MS, String(lost.detail.reason));
      const failover = entries.find((e) => e.type === 'failover')!;
      assert.equal(failover.detail.from, 'primary');
      assert.equal(failover.detail.to, 'backup');
      assert.equal(failover.detail.reason, 'primary stalled');
      const lostAge = Number(failover.detail.lostInputLastPacketAgeMs);
      assert.ok(lostAge > STALL_TIMEOUT_MS && lostAge < 3000, `last primary packet ${lostAge} ms old`);
      assert.ok(Number(failover.detail.newInputFrames) > 0, 'the backup had sent frames');
      for (const signal of [
        'keyframeWaitMs',
        'driftMs',
        'recentFailovers',
        'gapMs',
        'switchMs',
        'newInputBitrateKbps',
      ]) {
        assert.equal(typeof failover.detail[signal], 'number', `failover signal ${signal}`);
      }
      report.push(
        `timeline: ${String(lost.detail.reason)}; failover lostInputLastPacketAgeMs ${lostAge}, ` +
          `keyframeWaitMs ${String(failover.detail.keyframeWaitMs)}, gapMs ${String(failover.detail.gapMs)}`,
      );
    });

    it('fails back once the resumed primary is healthy, with no leg reconnecting', () => {
      const failback = observed.entries.find((e) => e.type === 'failback')!;
      assert.equal(failback.detail.from, 'backup');
      const healthy = /^primary healthy for (\d+) ms$/.exec(String(failback.detail.reason));
      assert.ok(healthy && Number(healthy[1]) >= FAILBACK_AFTER_MS, String(failback.detail.reason));
      assert.ok(
        observed.destinationsBeforeStop.every((d) => d.state === 'live' && d.restarts === 0),
        JSON.stringify(observed.destinationsBeforeStop),
      );
      // No leg failed or reconnected; the only leg entries are each leg stopping with the event.
      const legEntries = observed.entries.filter((e) => e.type.startsWith('leg_'));
      assert.ok(
        legEntries.every((e) => e.type === 'leg_stopped' && e.detail.reason === 'event_stopped'),
        `leg entries on the timeline: ${JSON.stringify(legEntries)}`,
      );
      for (const [i, destination] of destinations.entries()) {
        assert.equal(destination.publishCount(), 1, `destination ${i} saw exactly one connection`);
      }
      report.push(
        `failback: ${String(failback.detail.reason)}, driftMs ${String(failback.detail.driftMs)}, ` +
          `gapMs ${String(failback.detail.gapMs)}`,
      );
    });

    it('records a clean, continuous picture going primary → backup → primary at every destination', async () => {
      for (const [i, destination] of destinations.entries()) {
        const recordings = destination.recordings();
        assert.equal(recordings.length, 1, `destination ${i} has exactly one recording`);
        const file = recordings[0]!;
        assert.deepEqual(await decodeErrors(file), [], `destination ${i} decodes without errors`);
        for (const stream of await probePackets(file)) {
          const timeline = analyzeTimeline(stream.packets);
          report.push(
            `destination ${i} ${stream.codecType}: ${timeline.packetCount} packets, ` +
              `largest hole ${timeline.largestGapSec.toFixed(3)} s`,
          );
          assert.equal(timeline.backwardsJumps, 0, `destination ${i} ${stream.codecType} never goes back`);
          assert.ok(
            timeline.largestGapSec <= MAX_HOLE_SEC,
            `destination ${i} ${stream.codecType} hole ${timeline.largestGapSec} s`,
          );
        }
        const sizes = runsOf((await probeFrameSizes(file)).map((f) => `${f.width}x${f.height}`));
        assert.deepEqual(
          sizes,
          ['854x480', '640x360', '854x480'],
          `destination ${i} primary → backup → primary`,
        );
      }
    });

    it('keeps the frozen seconds a resumed encoder sends in a burst off the air', () => {
      // Destination 0's media time against the wall clock, from just before the pause: a backlog put on
      // air makes the media run ahead of the clock by about as long as the encoder was frozen.
      const recorded = observed.samples.filter((s) => s.destinationMs !== null);
      const first = recorded[0];
      const afterResume = recorded.filter((s) => s.at >= observed.resumedAt);
      assert.ok(first && afterResume.length > 0, 'destination 0 was sampled before and after the stall');
      const aheadSec = (s: Sample): number =>
        (s.destinationMs! - first.destinationMs! - (s.at - first.at)) / 1000;
      const peak = afterResume.reduce((a, b) => (aheadSec(b) > aheadSec(a) ? b : a));
      const maxAhead = aheadSec(peak);
      const frozenMs = observed.resumedAt - observed.pausedAt;
      report.push(
        `backlog: primary frozen ${frozenMs} ms; destination 0 media vs wall clock: lowest ` +
          `${Math.min(...recorded.map(aheadSec)).toFixed(2)} s, up to ${maxAhead.toFixed(2)} s ahead ` +
          `${peak.at - observed.resumedAt} ms after resume; primary video bitrate ` +
          `${String(observed.bitrateBeforeKbps)} kbit/s before, ` +
          `peak ${Math.max(...afterResume.map((s) => s.primaryKbps ?? 0))} kbit/s after resume`,
      );
      assert.ok(
        maxAhead <= MAX_AHEAD_SEC,
        `destination 0 ran ${maxAhead.toFixed(2)} s ahead of the wall clock after the failback ` +
          `(the primary was frozen ${frozenMs} ms)`,
      );
    });
  },
);

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { EventJson } from '@relay/contracts';
import { analyzeTimeline, decodeErrors, probePackets } from '../utils/ffprobe';
import {
  createEventWithDestinations,
  goLiveOnPrimary,
  startEncoders,
  tearDownLiveEvent,
} from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

const PRIMARY = { width: 1280, height: 720, fps: 30, gopFrames: 30 };
const BACKUP = { width: 854, height: 480 };
/** Largest hole a destination may see in its timeline, across the slate and back (s). */
const MAX_HOLE_SEC = 1.0;
/** The short slate timeout set with PATCH for the second outage (ms). */
const SHORT_SLATE_MS = 4000;
/** Mean luma (0..255) above which a frame is the primary's test pattern (about 126), below: the slate (about 45). */
const PATTERN_LUMA = 85;

interface TimelineItem {
  type: string;
  input?: string;
  detail: Record<string, unknown>;
}

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a viewer would see, frame by frame, collapsed into runs: "1280x720 pattern" (the primary's
 * testsrc2) or "1280x720 card" (the dark slate), from ffprobe's signalstats mean luma.
 */
async function pictureRuns(file: string): Promise<string[]> {
  const { stdout } = await execFileAsync(
    'ffprobe',
    [
      ...['-v', 'error', '-f', 'lavfi', '-i', `movie=${file},signalstats`],
      ...['-show_entries', 'frame=width,height:frame_tags=lavfi.signalstats.YAVG', '-of', 'json'],
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const frames = (JSON.parse(stdout) as { frames?: Array<Record<string, unknown>> }).frames ?? [];
  const runs: string[] = [];
  for (const f of frames) {
    const luma = Number((f.tags as Record<string, string> | undefined)?.['lavfi.signalstats.YAVG']);
    const what = `${String(f.width)}x${String(f.height)} ${luma > PATTERN_LUMA ? 'pattern' : 'card'}`;
    if (runs.at(-1) !== what) runs.push(what);
  }
  return runs;
}

describe(
  'slate end to end: both inputs down, then back, then the slate times out',
  { timeout: 150_000 },
  () => {
    let stack: RelayStack;
    let destination: TestNginxRtmp;
    let primary: Publisher | null = null;
    let backup: Publisher | null = null;
    let event: EventJson;

    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
    const timeline = async (): Promise<TimelineItem[]> =>
      (await stack.request<{ items: TimelineItem[] }>('GET', `/v1/events/${event.id}/timeline?limit=200`))
        .body.items;
    const startPrimary = () => startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY });

    before(async () => {
      stack = await startRelayStack();
      destination = await startNginxRtmp();
      event = await createEventWithDestinations(
        stack,
        {
          name: 'Slate e2e',
          failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 3000 },
        },
        [{ name: 'nginx', url: destination.url, streamKey: 'destination-key-0' }],
      );
      assert.equal(event.failover.slateTimeoutMs, 300_000, 'the slate is on by default');
    });

    after(async () => {
      await tearDownLiveEvent(stack, 'slate', [primary, backup], [destination]);
    });

    it('keeps the leg on the slate, hands over to the primary, and ends the event cleanly at the timeout', async () => {
      ({ primary, backup } = await startEncoders(stack, event, { primary: PRIMARY, backup: BACKUP }));
      await goLiveOnPrimary(stack, event.id);
      await sleep(3000);

      // First outage: the backup goes, then the primary. The leg stays connected on the slate.
      backup.kill();
      await waitFor(async () => (await getEvent()).ingest.backup.state === 'offline', {
        timeoutMs: 10_000,
        message: 'backup offline',
      });
      primary.kill();
      const onSlate = await waitFor(
        async () => {
          const e = await getEvent();
          return e.slate ? e : null;
        },
        { timeoutMs: 5000, message: 'the event JSON shows the slate' },
      );
      assert.equal(onSlate.status, 'live');
      assert.equal(onSlate.activeInput, null);
      assert.match(onSlate.statusReason ?? '', /^on the slate: both inputs down/);
      assert.equal(Date.parse(onSlate.slate!.endsAt) - Date.parse(onSlate.slate!.since), 300_000);
      const [recording] = destination.recordings();
      assert.ok(recording, 'the destination is recording');
      const sizeOnSlate = statSync(recording).size;
      await sleep(4000);
      assert.ok(statSync(recording).size > sizeOnSlate, 'the destination keeps receiving media on the slate');
      assert.equal(destination.publishCount(), 0, 'the leg is still connected');
      assert.deepEqual(
        (await getEvent()).destinations.map((d) => [d.state, d.restarts]),
        [['live', 0]],
      );

      // The primary comes back before the timeout and takes over at a keyframe.
      primary = startPrimary();
      const back = await waitFor(
        async () => {
          const e = await getEvent();
          return e.activeInput === 'primary' && e.slate === null ? e : null;
        },
        { timeoutMs: 20_000, message: 'the primary back on air, the slate gone' },
      );
      assert.equal(back.statusReason, null);
      await sleep(3000);

      // Second outage with a short slate timeout: the legs close cleanly and the event ends.
      const patched = await stack.request<EventJson>('PATCH', `/v1/events/${event.id}`, {
        failover: { slateTimeoutMs: SHORT_SLATE_MS },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.failover.slateTimeoutMs, SHORT_SLATE_MS);
      await sleep(500); // the relay picks the setting up from the event-pipeline queue
      primary.kill();
      const secondSlate = await waitFor(async () => ((await getEvent()).slate ? true : null), {
        timeoutMs: 5000,
        message: 'on the slate again',
      });
      assert.ok(secondSlate);
      const ended = await waitFor(
        async () => {
          const e = await getEvent();
          return e.status === 'ended' ? e : null;
        },
        { timeoutMs: SHORT_SLATE_MS + 10_000, message: 'the event ended when the slate timed out' },
      );
      assert.equal(
        ended.statusReason,
        `ended: no input for ${SHORT_SLATE_MS / 1000} s: the slate timed out and the legs were closed`,
      );
      assert.equal(ended.slate, null);
      assert.equal(ended.activeInput, null);
      await waitFor(() => destination.publishCount() >= 1, {
        timeoutMs: 10_000,
        message: 'the leg closed its connection',
      });

      const entries = await timeline();
      const slateStarted = entries.filter((e) => e.type === 'slate_started');
      const slateEnded = entries.filter((e) => e.type === 'slate_ended');
      assert.equal(slateStarted.length, 2, entries.map((e) => e.type).join(', '));
      assert.match(String(slateStarted[0]!.detail.reason), /both inputs down: primary disconnected/);
      assert.deepEqual(
        [slateStarted[0]!.detail.width, slateStarted[0]!.detail.height, slateStarted[0]!.detail.frameRate],
        [1280, 720, 30],
        'the slate matches the program',
      );
      assert.deepEqual(
        slateEnded.map((e) => [e.detail.cause, e.detail.input, e.detail.legsClosed]),
        [
          ['input-returned', 'primary', false],
          ['timeout', null, true],
        ],
      );
      assert.match(String(slateEnded[0]!.detail.reason), /^primary came back after \d+\.\d s without input$/);
      const resumed = entries.filter((e) => e.type === 'program_resumed').at(-1)!;
      assert.equal(typeof resumed.detail.newInputFrameRate, 'number', JSON.stringify(resumed.detail));
      assert.ok(entries.some((e) => e.type === 'event_stopped' && e.detail.reason === ended.statusReason));

      // Judge what the platform received.
      const report: string[] = [];
      assert.equal(destination.publishCount(), 1, 'the destination saw exactly one connection');
      const recordings = destination.recordings();
      assert.equal(recordings.length, 1, 'exactly one recording');
      const file = recordings[0]!;
      assert.deepEqual(await decodeErrors(file), [], 'the recording decodes without errors');
      for (const stream of await probePackets(file)) {
        const t = analyzeTimeline(stream.packets);
        report.push(
          `${stream.codecType}: ${t.packetCount} packets, ${((t.lastSec ?? 0) - (t.firstSec ?? 0)).toFixed(1)} s, largest hole ${t.largestGapSec.toFixed(3)} s`,
        );
        assert.equal(t.backwardsJumps, 0, `${stream.codecType} timestamps never go back`);
        assert.ok(t.largestGapSec <= MAX_HOLE_SEC, `${stream.codecType} hole of ${t.largestGapSec} s`);
      }
      const runs = await pictureRuns(file);
      report.push(`pictures: ${runs.join(' → ')}`);
      assert.deepEqual(
        runs,
        ['1280x720 pattern', '1280x720 card', '1280x720 pattern', '1280x720 card'],
        'primary → slate → primary → slate, all at the program size',
      );
      process.stdout.write(`# ${report.join('\n# ')}\n`);
    });

    it('never prints a stream key in the relay and API logs', () => {
      const logs = stack.logs().join('\n');
      for (const secret of [
        event.ingest.primary.streamKey,
        event.ingest.backup.streamKey,
        'destination-key-0',
      ]) {
        assert.ok(!logs.includes(secret), 'a stream key appeared in the logs');
      }
    });
  },
);

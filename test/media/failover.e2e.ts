import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { analyzeTimeline, probeFrameSizes, probePackets } from '../utils/ffprobe';
import {
  assertOneCleanRecording,
  createEventWithDestinations,
  nginxDestinations,
  startEncoders,
  stopEventAndLegs,
  tearDownLiveEvent,
} from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

const PRIMARY = { width: 1280, height: 720 };
const BACKUP = { width: 854, height: 480 };
/** Largest hole a destination may see in its timeline across a failover or failback (s). */
const MAX_HOLE_SEC = 1.0;

/** Consecutive runs of frame sizes, e.g. ["1280x720", "854x480", "1280x720"]. */
function sizeRuns(frames: Array<{ width: number; height: number }>): string[] {
  const runs: string[] = [];
  for (const f of frames) {
    const size = `${f.width}x${f.height}`;
    if (runs.at(-1) !== size) runs.push(size);
  }
  return runs;
}

describe(
  'failover end to end: ffmpeg primary, GStreamer backup, two nginx-rtmp destinations',
  { timeout: 300_000 },
  () => {
    let stack: RelayStack;
    let destinations: TestNginxRtmp[] = [];
    let primary: Publisher | null = null;
    let backup: Publisher | null = null;
    let event: EventJson;

    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;

    before(async () => {
      stack = await startRelayStack();
      destinations = [await startNginxRtmp(), await startNginxRtmp()];
      event = await createEventWithDestinations(
        stack,
        {
          name: 'Failover e2e',
          failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 3000 },
        },
        nginxDestinations(destinations, 'destination-key'),
      );
    });

    after(async () => {
      // The relay log is kept for diagnosis: what the relay decided and when.
      await tearDownLiveEvent(stack, 'failover', [primary, backup], destinations);
    });

    it('keeps every leg connected and the timeline continuous through a failover and a failback', async () => {
      // As a streamer does: both encoders green in the dashboard, then go live.
      ({ primary, backup } = await startEncoders(stack, event, {
        primary: { ...PRIMARY, fps: 30, gopFrames: 30 },
        backup: BACKUP,
      }));
      // The dashboard shows each encoder's media and warns that they differ.
      const probed = await waitFor(
        async () => {
          const e = await getEvent();
          return e.ingest.primary.media?.video && e.ingest.backup.media?.video && e.warnings.length > 0
            ? e
            : null;
        },
        { timeoutMs: 15_000, message: 'both inputs probed' },
      );
      assert.deepEqual(
        [probed.ingest.primary.media!.video!.width, probed.ingest.primary.media!.video!.height],
        [PRIMARY.width, PRIMARY.height],
      );
      assert.deepEqual(
        [probed.ingest.backup.media!.video!.width, probed.ingest.backup.media!.video!.height],
        [BACKUP.width, BACKUP.height],
      );
      assert.equal(probed.ingest.primary.media!.video!.codec, 'h264');
      assert.equal(probed.ingest.backup.media!.audio!.codec, 'aac');
      const resolution = probed.warnings.find((w) => w.field === 'video.resolution');
      assert.ok(resolution, JSON.stringify(probed.warnings));
      assert.match(resolution.message, /1280x720.*854x480/);
      assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);

      await waitFor(
        async () => {
          const e = await getEvent();
          return (
            e.status === 'live' &&
            e.activeInput === 'primary' &&
            e.ingest.backup.state === 'live' &&
            e.destinations.every((d) => d.state === 'live')
          );
        },
        {
          timeoutMs: 30_000,
          message: 'event live on the primary with both legs live and the backup publishing',
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 4000));

      primary.kill();
      const failoverAt = Date.now();
      await waitFor(async () => (await getEvent()).activeInput === 'backup', {
        timeoutMs: 5000,
        message: 'failover to the backup',
      });
      const detectionMs = Date.now() - failoverAt;
      const afterFailover = await getEvent();
      assert.equal(afterFailover.ingest.primary.state, 'offline');
      await new Promise((resolve) => setTimeout(resolve, 5000));

      primary = startFfmpegPublisher({ url: event.ingest.primary.url, ...PRIMARY, fps: 30, gopFrames: 30 });
      await waitFor(async () => (await getEvent()).activeInput === 'primary', {
        timeoutMs: 20_000,
        message: 'failback to the primary',
      });
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const beforeStop = await getEvent();
      assert.ok(
        beforeStop.destinations.every((d) => d.state === 'live' && d.restarts === 0),
        JSON.stringify(beforeStop.destinations),
      );

      await stopEventAndLegs(stack, event.id, destinations);

      const report: string[] = [`failover seen by the API after ${detectionMs} ms`];
      for (const [i, destination] of destinations.entries()) {
        const file = await assertOneCleanRecording(destination, `destination ${i}`);
        for (const stream of await probePackets(file)) {
          const timeline = analyzeTimeline(stream.packets);
          report.push(
            `destination ${i} ${stream.codecType}: ${timeline.packetCount} packets, largest hole ${timeline.largestGapSec.toFixed(3)} s`,
          );
          assert.equal(
            timeline.backwardsJumps,
            0,
            `destination ${i} ${stream.codecType} timestamps never go back`,
          );
          assert.ok(
            timeline.largestGapSec <= MAX_HOLE_SEC,
            `destination ${i} ${stream.codecType} hole ${timeline.largestGapSec} s`,
          );
        }
        const runs = sizeRuns(await probeFrameSizes(file));
        assert.deepEqual(
          runs,
          ['1280x720', '854x480', '1280x720'],
          `destination ${i} frames go primary → backup → primary`,
        );
      }
      process.stdout.write(`# ${report.join('\n# ')}\n`);
    });

    it('never prints a stream key in the relay and API logs', () => {
      const logs = stack.logs().join('\n');
      for (const secret of [
        event.ingest.primary.streamKey,
        event.ingest.backup.streamKey,
        'destination-key-0',
        'destination-key-1',
      ]) {
        assert.ok(!logs.includes(secret), 'a stream key appeared in the logs');
      }
    });
  },
);

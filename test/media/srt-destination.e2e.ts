import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DestinationJson, EventJson } from '@relay/contracts';
import {
  buildSrtPublishUrl,
  FfmpegLeg,
  ProgramOutput,
  type LegFailure,
  type OutboundLegState,
} from '@relay/media';
import { analyzeTimeline, decodeErrors, probeFrameSizes, probePackets, runsOf } from '../utils/ffprobe';
import { makeFlvFixture, playTags } from '../utils/flv-fixtures';
import { startEncoders, tearDownLiveEvent } from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { freePort } from '../utils/ports';
import { waitFor } from '../utils/processes';
import type { Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { startSrtReceiver, waitForSrtBytes, type TestSrtReceiver } from '../utils/srt-receiver';

const PRIMARY = { width: 640, height: 360 };
const BACKUP = { width: 426, height: 240 };
/** Largest hole the SRT destination may see in its timeline across the failover (s). */
const MAX_HOLE_SEC = 1.0;
const PASSPHRASE = 'srt-test-passphrase-1';
/** An SRT access-control streamid with "&" and "+", which ffmpeg would misread inside a URL query. */
const STREAM_ID = '#!::r=live/show+1&x,m=publish';
const WRONG_STREAM_ID = 'wrong-passphrase-leg';

describe(
  'SRT destination: MPEG-TS over SRT to a real listener, continuous through a failover',
  { timeout: 150_000 },
  () => {
    let stack: RelayStack;
    let nginx: TestNginxRtmp;
    let srt: TestSrtReceiver;
    let primary: Publisher | null = null;
    let backup: Publisher | null = null;
    let event: EventJson;
    const ids: Record<'rtmp' | 'srt' | 'wrong', string> = { rtmp: '', srt: '', wrong: '' };

    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
    const destination = (e: EventJson, id: string): DestinationJson =>
      e.destinations.find((d) => d.id === id)!;

    before(async () => {
      stack = await startRelayStack();
      nginx = await startNginxRtmp();
      srt = await startSrtReceiver({ passphrase: PASSPHRASE });
      const created = await stack.request<EventJson>('POST', '/v1/events', {
        name: 'SRT e2e',
        failover: { mode: 'sticky', stallTimeoutMs: 1000 },
      });
      assert.equal(created.status, 201);
      event = created.body;
      const add = async (body: Record<string, unknown>): Promise<DestinationJson> => {
        const added = await stack.request<DestinationJson>(
          'POST',
          `/v1/events/${event.id}/destinations`,
          body,
        );
        assert.equal(added.status, 201, JSON.stringify(added.body));
        return added.body;
      };
      ids.rtmp = (await add({ name: 'nginx', url: nginx.url, streamKey: 'rtmp-destination-key' })).id;
      const srtDestination = await add({
        name: 'SRT',
        url: srt.url,
        streamKey: STREAM_ID,
        passphrase: PASSPHRASE,
      });
      ids.srt = srtDestination.id;
      // Answered masked: the streamid's last 4 characters, nothing of the passphrase.
      assert.equal(srtDestination.streamKeyMasked, `********${STREAM_ID.slice(-4)}`);
      assert.equal(srtDestination.passphraseMasked, '********');
      assert.ok(!JSON.stringify(srtDestination).includes(PASSPHRASE));
      ids.wrong = (
        await add({
          name: 'SRT, wrong passphrase',
          url: srt.url,
          streamKey: WRONG_STREAM_ID,
          passphrase: 'not-the-right-passphrase',
          legPolicy: { giveUpAfterFailures: 2 },
        })
      ).id;
    });

    after(async () => {
      await tearDownLiveEvent(stack, 'srt-destination', [primary, backup], [nginx, srt]);
    });

    it('keeps the SRT leg connected and its recording continuous when the primary dies', async () => {
      ({ primary, backup } = await startEncoders(stack, event, {
        primary: { ...PRIMARY, fps: 30, gopFrames: 30 },
        backup: BACKUP,
      }));
      assert.equal((await stack.request('POST', `/v1/events/${event.id}/start`)).status, 202);
      await waitFor(
        async () => {
          const e = await getEvent();
          return (
            e.activeInput === 'primary' &&
            destination(e, ids.rtmp).state === 'live' &&
            destination(e, ids.srt).state === 'live'
          );
        },
        { timeoutMs: 30_000, message: 'RTMP and SRT legs live on the primary' },
      );
      await waitForSrtBytes(srt, 100_000);
      await new Promise((resolve) => setTimeout(resolve, 3000));

      primary.kill();
      await waitFor(async () => (await getEvent()).activeInput === 'backup', {
        timeoutMs: 5000,
        message: 'failover to the backup',
      });
      await new Promise((resolve) => setTimeout(resolve, 4000));

      const beforeStop = await getEvent();
      for (const id of [ids.rtmp, ids.srt]) {
        const d = destination(beforeStop, id);
        assert.equal(d.state, 'live', JSON.stringify(d));
        assert.equal(d.restarts, 0, `${d.name} never reconnected`);
      }
      // The wrong passphrase is refused by the listener, and the user is told so in plain words.
      const wrong = await waitFor(
        async () => {
          const d = destination(await getEvent(), ids.wrong);
          return d.state === 'failed' ? d : null;
        },
        { timeoutMs: 20_000, message: 'the wrong-passphrase leg gave up' },
      );
      assert.match(wrong.lastError ?? '', /destination refused the SRT passphrase/);

      assert.equal((await stack.request('POST', `/v1/events/${event.id}/stop`)).status, 202);
      await waitFor(() => nginx.publishCount() >= 1, { timeoutMs: 15_000, message: 'RTMP leg closed' });
      // Let the SRT leg's last packets arrive (2 s of SRT latency), then end the recording cleanly.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await srt.stop();

      // The streamid arrived byte for byte, in exactly one connection (the wrong leg's own attempts aside).
      const seen = srt.streamIds();
      assert.deepEqual(
        seen.filter((id) => id !== WRONG_STREAM_ID),
        [STREAM_ID],
        `streamids seen: ${JSON.stringify(seen)}`,
      );
      assert.ok(seen.includes(WRONG_STREAM_ID), 'the wrong-passphrase leg reached the listener');
      assert.equal(nginx.publishCount(), 1, 'the RTMP destination saw exactly one connection');

      const report: string[] = [];
      assert.deepEqual(await decodeErrors(srt.file), [], 'the SRT recording decodes without errors');
      const streams = await probePackets(srt.file);
      assert.deepEqual(streams.map((s) => s.codecType).sort(), ['audio', 'video']);
      for (const stream of streams) {
        const timeline = analyzeTimeline(stream.packets);
        report.push(
          `SRT ${stream.codecType} (${stream.codecName}): ${timeline.packetCount} packets, ` +
            `${((timeline.lastSec ?? 0) - (timeline.firstSec ?? 0)).toFixed(1)} s, ` +
            `largest hole ${timeline.largestGapSec.toFixed(3)} s`,
        );
        assert.ok(timeline.packetCount > 100, `${stream.codecType} has media`);
        assert.equal(timeline.backwardsJumps, 0, `SRT ${stream.codecType} DTS never go back`);
        assert.ok(
          timeline.largestGapSec <= MAX_HOLE_SEC,
          `SRT ${stream.codecType} hole ${timeline.largestGapSec} s`,
        );
      }
      const sizes = runsOf((await probeFrameSizes(srt.file)).map((f) => `${f.width}x${f.height}`));
      assert.deepEqual(sizes, ['640x360', '426x240'], 'SRT frames go primary → backup');
      process.stdout.write(`# ${report.join('\n# ')}\n`);
    });

    it('never prints the streamid or the passphrase in the relay and API logs', () => {
      const logs = stack.logs().join('\n');
      for (const secret of [STREAM_ID, PASSPHRASE, 'not-the-right-passphrase', encodeURIComponent(STREAM_ID)])
        assert.ok(!logs.includes(secret), 'an SRT secret appeared in the logs');
    });
  },
);

describe('FfmpegLeg to an SRT address where nothing listens', { timeout: 60_000 }, () => {
  it('fails as unreachable after the SRT connect timeout, secrets masked in its output', async () => {
    const tags = await makeFlvFixture({ width: 320, height: 180, seconds: 8 });
    const program = new ProgramOutput();
    const states: OutboundLegState[] = [];
    const failures: LegFailure[] = [];
    const url = buildSrtPublishUrl({
      url: `srt://127.0.0.1:${await freePort()}`,
      streamId: STREAM_ID,
      passphrase: PASSPHRASE,
    });
    const leg = new FfmpegLeg(
      program,
      { url, secrets: [STREAM_ID], ffmpegPath: 'ffmpeg' },
      { stateChanged: (state) => states.push(state), exited: (failure) => failures.push(failure) },
    );
    leg.start();
    const feeding = new AbortController();
    const feed = playTags(tags, (tag) => program.publish(tag), { signal: feeding.signal });
    try {
      await waitFor(() => failures.length === 1, { timeoutMs: 15_000, message: 'leg failure reported' });
    } finally {
      feeding.abort();
      await feed;
    }
    assert.deepEqual(states, ['connecting', 'exited']);
    assert.equal(failures[0]!.kind, 'unreachable');
    assert.match(failures[0]!.message, /no SRT listener answered/);
    const output = leg.recentOutput().join('\n');
    assert.match(output, /Connection to srt:\/\/127\.0\.0\.1:\d+\?pkt_size=1316&latency=2000000 failed/);
    for (const secret of [STREAM_ID, PASSPHRASE, encodeURIComponent(STREAM_ID)])
      assert.ok(!output.includes(secret), 'an SRT secret appeared in the leg output');
  });
});

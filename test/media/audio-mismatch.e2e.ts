import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import {
  analyzeTimeline,
  probeAudioFrames,
  probePackets,
  runsOf,
  type ProbedAudioFrame,
} from '../utils/ffprobe';
import {
  assertOneCleanRecording,
  createEventWithDestinations,
  goLiveOnPrimary,
  nginxDestinations,
  stopEventAndLegs,
  tearDownLiveEvent,
} from '../utils/live-event';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, startGstPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

/** Same picture on both inputs: only the audio differs. */
const VIDEO = { width: 640, height: 360, fps: 30, gopFrames: 30 };
const PRIMARY_RATE = 48_000;
const BACKUP_RATE = 44_100;
/** Largest hole a destination may hear in its audio across a failover or failback (s). */
const MAX_AUDIO_HOLE_SEC = 1.0;
/** Each input's run of audio at a destination must last at least this long (s): a real switch, no blip. */
const MIN_RUN_SEC = 2.0;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Consecutive runs of equal sample rates with their length in seconds of audio. */
function rateRuns(frames: readonly ProbedAudioFrame[]): Array<{ rate: number; seconds: number }> {
  const runs: Array<{ rate: number; seconds: number }> = [];
  for (const frame of frames) {
    const last = runs.at(-1);
    const seconds = frame.samples / frame.sampleRate;
    if (last?.rate === frame.sampleRate) last.seconds += seconds;
    else runs.push({ rate: frame.sampleRate, seconds });
  }
  return runs;
}

describe(
  'audio sample-rate mismatch end to end: 48 kHz primary, 44.1 kHz backup, two nginx-rtmp destinations',
  { timeout: 180_000 },
  () => {
    let stack: RelayStack;
    let destinations: TestNginxRtmp[] = [];
    let primary: Publisher | null = null;
    let backup: Publisher | null = null;
    let event: EventJson;

    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
    const startPrimary = (): Publisher =>
      startFfmpegPublisher({ url: event.ingest.primary.url, ...VIDEO, audioRate: PRIMARY_RATE });

    before(async () => {
      stack = await startRelayStack();
      destinations = [await startNginxRtmp(), await startNginxRtmp()];
      event = await createEventWithDestinations(
        stack,
        {
          name: 'Audio mismatch e2e',
          failover: { mode: 'primary-preferred', stallTimeoutMs: 1000, failbackAfterMs: 2000 },
        },
        nginxDestinations(destinations, 'audio-key'),
      );
    });

    after(async () => {
      await tearDownLiveEvent(stack, 'audio-mismatch', [primary, backup], destinations);
    });

    it('warns about the sample rates and shows each one', async () => {
      primary = startPrimary();
      backup = startGstPublisher({
        url: event.ingest.backup.url,
        ...VIDEO,
        audioRate: BACKUP_RATE,
        sink: 'rtmp2sink',
      });
      const probed = await waitFor(
        async () => {
          const e = await getEvent();
          return e.ingest.primary.state === 'live' &&
            e.ingest.backup.state === 'live' &&
            e.ingest.primary.media?.audio &&
            e.ingest.backup.media?.audio &&
            e.warnings.some((w) => w.field === 'audio.sampleRate')
            ? e
            : null;
        },
        { timeoutMs: 30_000, message: 'both encoders publishing and probed, with a sample-rate warning' },
      );
      assert.equal(probed.ingest.primary.media!.audio!.sampleRate, PRIMARY_RATE);
      assert.equal(probed.ingest.backup.media!.audio!.sampleRate, BACKUP_RATE);
      assert.equal(probed.ingest.primary.media!.audio!.codec, 'aac');
      assert.equal(probed.ingest.backup.media!.audio!.codec, 'aac');
      const warning = probed.warnings.find((w) => w.field === 'audio.sampleRate')!;
      assert.equal(warning.primary, '48000 Hz');
      assert.equal(warning.backup, '44100 Hz');
      assert.match(warning.message, /sample rate/i);
      assert.ok(
        !probed.warnings.some((w) => w.field === 'video.resolution'),
        'the pictures are the same size',
      );
    });

    it('passes each new audio header to every destination, which decodes 48 → 44.1 → 48 kHz', async () => {
      await goLiveOnPrimary(stack, event.id);
      await sleep(3000);

      primary!.kill();
      await waitFor(async () => (await getEvent()).activeInput === 'backup', {
        timeoutMs: 5000,
        message: 'failover to the backup',
      });
      await sleep(4000);
      primary = startPrimary();
      await waitFor(async () => (await getEvent()).activeInput === 'primary', {
        timeoutMs: 20_000,
        message: 'failback to the primary',
      });
      await sleep(3000);
      const beforeStop = await getEvent();
      assert.ok(
        beforeStop.destinations.every((d) => d.state === 'live' && d.restarts === 0),
        JSON.stringify(beforeStop.destinations),
      );

      await stopEventAndLegs(stack, event.id, destinations);

      const report: string[] = [];
      for (const [i, destination] of destinations.entries()) {
        const file = await assertOneCleanRecording(destination, `destination ${i}`);

        const audio = (await probePackets(file)).find((s) => s.codecType === 'audio');
        assert.ok(audio, `destination ${i} has an audio stream`);
        assert.equal(audio.codecName, 'aac');
        const timeline = analyzeTimeline(audio.packets);
        assert.equal(timeline.backwardsJumps, 0, `destination ${i} audio timestamps never go back`);
        assert.ok(
          timeline.largestGapSec <= MAX_AUDIO_HOLE_SEC,
          `destination ${i} audio hole ${timeline.largestGapSec} s`,
        );

        const frames = await probeAudioFrames(file);
        const runs = rateRuns(frames);
        report.push(
          `destination ${i}: ${frames.length} audio frames, sample rates ` +
            `${runs.map((r) => `${r.rate} Hz for ${r.seconds.toFixed(1)} s`).join(' → ')}, ` +
            `largest audio hole ${timeline.largestGapSec.toFixed(3)} s, ` +
            `${timeline.repeatedTimestamps} repeated timestamps`,
        );
        assert.deepEqual(
          runsOf(frames.map((f) => f.sampleRate)),
          [PRIMARY_RATE, BACKUP_RATE, PRIMARY_RATE],
          `destination ${i} audio goes primary → backup → primary`,
        );
        for (const run of runs) {
          assert.ok(run.seconds >= MIN_RUN_SEC, `destination ${i}: ${run.rate} Hz for ${run.seconds} s`);
        }
      }
      process.stdout.write(`# ${report.join('\n# ')}\n`);
    });
  },
);

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FfmpegLeg, ProgramOutput, type FlvTag, type LegFailure, type OutboundLegState } from '@relay/media';
import { analyzeTimeline, decodeErrors, probePackets } from '../utils/ffprobe';
import { makeFlvFixture, playTags } from '../utils/flv-fixtures';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { isPortFree } from '../utils/ports';
import { waitFor } from '../utils/processes';

const STREAM_KEY = 'leg-test-secret-key-4242';

async function firstFreePort(candidates: number[]): Promise<number> {
  for (const port of candidates) if (await isPortFree(port)) return port;
  throw new Error(`ports ${candidates.join(', ')} are all in use`);
}

/** Starts the leg and feeds it in real time, as the pipeline would, until it reports a failure. */
async function runUntilFailure(
  leg: FfmpegLeg,
  program: ProgramOutput,
  tags: FlvTag[],
  failures: LegFailure[],
): Promise<void> {
  leg.start();
  const feeding = new AbortController();
  const feed = playTags(tags, (tag) => program.publish(tag), { signal: feeding.signal });
  try {
    await waitFor(() => failures.length === 1, { timeoutMs: 10_000, message: 'leg failure reported' });
  } finally {
    feeding.abort();
    await feed;
  }
}

function recorder() {
  const states: OutboundLegState[] = [];
  const failures: LegFailure[] = [];
  return {
    states,
    failures,
    listener: {
      stateChanged: (s: OutboundLegState) => states.push(s),
      exited: (f: LegFailure) => failures.push(f),
    },
  };
}

describe('FfmpegLeg against real destinations', { timeout: 120_000 }, () => {
  let destination: TestNginxRtmp;
  let tags: FlvTag[];

  before(async () => {
    destination = await startNginxRtmp();
    tags = await makeFlvFixture({ width: 640, height: 360, seconds: 4 });
  });

  after(async () => {
    await destination?.stop();
  });

  it('publishes the program to an nginx-rtmp destination and closes cleanly on stop', async () => {
    const program = new ProgramOutput();
    const { states, failures, listener } = recorder();
    const leg = new FfmpegLeg(
      program,
      { url: `${destination.url}/${STREAM_KEY}`, secrets: [STREAM_KEY], ffmpegPath: 'ffmpeg' },
      listener,
    );
    // Prime the program with the first GOP so the leg starts at a keyframe, as the pipeline does.
    const firstKeyframe = tags.findIndex((t) => t.type === 9 && t.data[0] === 0x17 && t.data[1] === 1);
    for (const tag of tags.slice(0, firstKeyframe + 1)) program.publish(tag);
    leg.start();
    await playTags(tags.slice(firstKeyframe + 1), (tag) => program.publish(tag));
    await waitFor(() => leg.state === 'live', { timeoutMs: 5000, message: 'leg live' });
    await leg.stop();
    assert.equal(leg.state, 'idle');
    assert.deepEqual(failures, [], 'a requested stop is not a failure');
    assert.deepEqual(states.slice(0, 2), ['connecting', 'live']);
    await waitFor(() => destination.publishCount() === 1, {
      timeoutMs: 5000,
      message: 'nginx saw the session end',
    });
    const [file] = destination.recordings();
    assert.ok(file);
    assert.deepEqual(await decodeErrors(file), []);
    const video = (await probePackets(file)).find((s) => s.codecType === 'video')!;
    assert.ok(video.packets.length >= 100, `recorded ${video.packets.length} video packets of ~120`);
    assert.equal(analyzeTimeline(video.packets).backwardsJumps, 0);
    assert.ok(!leg.recentOutput().join('\n').includes(STREAM_KEY), 'the stream key is masked in diagnostics');
  });

  it('reports an unreachable destination in plain words without the stream key', async () => {
    const program = new ProgramOutput();
    for (const tag of tags.slice(0, 40)) program.publish(tag);
    const { failures, listener } = recorder();
    // Not an ephemeral port: a connect to a free ephemeral port on loopback can connect to itself.
    const port = await firstFreePort([9, 1, 7, 19]);
    const leg = new FfmpegLeg(
      program,
      { url: `rtmp://127.0.0.1:${port}/live/${STREAM_KEY}`, secrets: [STREAM_KEY], ffmpegPath: 'ffmpeg' },
      listener,
    );
    await runUntilFailure(leg, program, tags.slice(40), failures);
    assert.equal(leg.state, 'exited');
    assert.equal(failures[0]!.kind, 'unreachable');
    assert.equal(failures[0]!.message, 'destination refused the connection');
    assert.ok(!leg.recentOutput().join('\n').includes(STREAM_KEY));
  });

  it('reports a destination that refuses the stream', async () => {
    const refusing = await startNginxRtmp({ denyPublish: true });
    try {
      const program = new ProgramOutput();
      for (const tag of tags.slice(0, 40)) program.publish(tag);
      const { failures, listener } = recorder();
      const leg = new FfmpegLeg(
        program,
        { url: `${refusing.url}/${STREAM_KEY}`, secrets: [STREAM_KEY], ffmpegPath: 'ffmpeg' },
        listener,
      );
      await runUntilFailure(leg, program, tags.slice(40), failures);
      assert.ok(
        ['auth-refused', 'closed-by-peer'].includes(failures[0]!.kind),
        `${failures[0]!.kind}: ${leg.recentOutput().join(' | ')}`,
      );
    } finally {
      await refusing.stop();
    }
  });
});

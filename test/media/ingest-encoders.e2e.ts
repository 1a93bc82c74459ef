import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PublishEndReason, PublishTarget } from '../../libs/media/src/ingest/ingest-types';
import { RtmpIngestServer } from '../../libs/media/src/ingest/rtmp-server';
import { FlvTagType } from '../../libs/media/src/protocols/flv/flv-constants';
import {
  isAudioSequenceHeader,
  isVideoKeyframe,
  isVideoSequenceHeader,
  type FlvTag,
} from '../../libs/media/src/protocols/flv/flv-tag';
import { exitWithin } from '../utils/processes';
import {
  killAllPublishers,
  maskRtmpUrl,
  startFfmpegPublisher,
  startGstPublisher,
  type Publisher,
  type PublisherOptions,
} from '../utils/publishers';

/**
 * Real encoders (ffmpeg, GStreamer rtmp2sink, GStreamer rtmpsink/librtmp) publishing to the ingest
 * server on loopback. Checks what the media plane relies on: metadata, sequence headers first,
 * keyframes, increasing video timestamps, a frame rate that matches the encoder's, key refusal and
 * replacement of a publisher on the same key.
 */

const FPS = 30;
const GOP = 30;
const PUBLISH_MS = 3000;
const TARGET: PublishTarget = { eventId: 'e2e-event', role: 'primary' };

interface Session {
  readonly target: PublishTarget;
  readonly encoder: string;
  readonly metadata: FlvTag[];
  readonly media: FlvTag[];
  readonly ends: PublishEndReason[];
}

async function until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RTMP ingest with real encoders', { timeout: 180_000 }, () => {
  const key = `e2e-${randomBytes(8).toString('hex')}`;
  const sessions: Session[] = [];
  const logs: string[] = [];
  const publishers: Publisher[] = [];
  const server = new RtmpIngestServer({
    app: 'live',
    authorize: async (_app, streamKey) => (streamKey === key ? TARGET : null),
    onPublish: (target, info) => {
      const s: Session = { target, encoder: info.encoder, metadata: [], media: [], ends: [] };
      sessions.push(s);
      return {
        onMetadata: (tag) => s.metadata.push(tag),
        onMedia: (tag) => s.media.push(tag),
        onEnd: (reason) => s.ends.push(reason),
      };
    },
    logger: {
      info: (msg, fields) => logs.push(`INFO ${msg} ${JSON.stringify(fields)}`),
      warn: (msg, fields) => logs.push(`WARN ${msg} ${JSON.stringify(fields)}`),
    },
  });
  let url = '';

  before(async () => {
    const port = await server.start(0, '127.0.0.1');
    url = `rtmp://127.0.0.1:${port}/live/${key}`;
  });

  after(async () => {
    await Promise.all(publishers.map((p) => p.stop('SIGKILL')));
    killAllPublishers();
    await server.stop();
    for (const line of logs) assert.ok(!line.includes(key), 'the stream key never reaches the log');
  });

  function track(p: Publisher): Publisher {
    publishers.push(p);
    return p;
  }

  /** Waits for session number `index`, with the encoder's stderr in the error when it never comes. */
  async function waitSession(index: number, p: Publisher): Promise<Session> {
    try {
      await until(() => sessions.length > index, `${p.name} to publish to ${maskRtmpUrl(url)}`, 15_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${p.tail()}`);
    }
    return sessions[index]!;
  }

  const encoders: [string, (o: PublisherOptions) => Publisher][] = [
    ['ffmpeg', (o) => startFfmpegPublisher(o)],
    ['GStreamer rtmp2sink', (o) => startGstPublisher({ ...o, sink: 'rtmp2sink' })],
    ['GStreamer rtmpsink (librtmp)', (o) => startGstPublisher({ ...o, sink: 'rtmpsink' })],
  ];

  for (const [name, start] of encoders) {
    it(
      `receives ${name}: metadata, sequence headers first, keyframes, rising timestamps, ${FPS} fps`,
      { timeout: 40_000 },
      async () => {
        const index = sessions.length;
        const p = track(start({ url, width: 640, height: 360, fps: FPS, gopFrames: GOP, audioRate: 48000 }));
        const s = await waitSession(index, p);
        assert.deepEqual(s.target, TARGET);
        await sleep(PUBLISH_MS);
        const exit = await p.stop('SIGINT');
        await until(() => s.ends.length > 0, 'the session to end', 10_000);
        assert.equal(s.ends.length, 1);
        assert.ok(['unpublished', 'disconnected'].includes(s.ends[0]!), s.ends[0]);

        const video = s.media.filter((t) => t.type === FlvTagType.Video);
        const audio = s.media.filter((t) => t.type === FlvTagType.Audio);
        assert.ok(s.metadata.length >= 1, 'metadata received');
        assert.ok(isVideoSequenceHeader(video[0]!), 'first video tag is the AVC sequence header');
        assert.ok(isAudioSequenceHeader(audio[0]!), 'first audio tag is the AAC sequence header');
        const frames = video.filter((t) => !isVideoSequenceHeader(t) && t.data.length > 2 && t.data[1] === 1);
        assert.ok(isVideoKeyframe(frames[0]!), 'the first frame is a keyframe');
        const keyframes = frames.filter(isVideoKeyframe).length;
        for (let i = 1; i < frames.length; i++) {
          assert.ok(
            frames[i]!.timestamp > frames[i - 1]!.timestamp,
            `video DTS rises at frame ${i}: ${frames
              .slice(Math.max(0, i - 3), i + 3)
              .map((f) => f.timestamp)
              .join(', ')}`,
          );
        }
        const spanMs = frames.at(-1)!.timestamp - frames[0]!.timestamp;
        const expected = (FPS * PUBLISH_MS) / 1000;
        // The 3 s window is wall clock: encoder start-up and the SIGINT drain move it a little.
        assert.ok(
          frames.length >= expected * 0.7 && frames.length <= expected * 1.6,
          `${frames.length} frames`,
        );
        assert.ok(
          Math.abs(frames.length - 1 - (spanMs * FPS) / 1000) <= 2,
          `${frames.length} frames over ${spanMs} ms`,
        );
        assert.ok(keyframes >= Math.floor(frames.length / GOP), `${keyframes} keyframes`);
        process.stdout.write(
          `# ${name}: encoder "${s.encoder}", ${frames.length} frames (${keyframes} keyframes) over ${spanMs} ms, ` +
            `${audio.length} audio tags, ${s.metadata.length} metadata, exit ${exit.code ?? exit.signal}, end ${s.ends[0]}\n`,
        );
      },
    );
  }

  it('refuses a wrong key: ffmpeg exits non-zero and no session starts', { timeout: 30_000 }, async () => {
    const before = sessions.length;
    const wrong = url.replace(key, `${key}-wrong`);
    const p = track(startFfmpegPublisher({ url: wrong, maxDurationSec: 20 }));
    const exit = await exitWithin(p, 15_000);
    assert.ok(exit, `ffmpeg still running: ${p.tail()}`);
    assert.notEqual(exit.code, 0);
    assert.equal(sessions.length, before);
    assert.ok(logs.some((l) => l.includes('unknown stream key')));
  });

  it('refuses a wrong key from GStreamer rtmp2sink', { timeout: 30_000 }, async () => {
    const before = sessions.length;
    const p = track(
      startGstPublisher({ url: url.replace(key, `${key}-wrong`), sink: 'rtmp2sink', maxDurationSec: 20 }),
    );
    const exit = await exitWithin(p, 15_000);
    assert.ok(exit, 'gst-launch still running');
    assert.notEqual(exit.code, 0);
    assert.equal(sessions.length, before);
  });

  it(
    'replaces the first publisher when a second one publishes on the same key',
    { timeout: 40_000 },
    async () => {
      const index = sessions.length;
      const first = track(startFfmpegPublisher({ url }));
      const s1 = await waitSession(index, first);
      await until(() => s1.media.length > 10, 'media from the first publisher', 10_000);
      const second = track(startGstPublisher({ url, sink: 'rtmp2sink' }));
      const s2 = await waitSession(index + 1, second);
      await until(() => s1.ends.length > 0, 'the first session to end', 5000);
      assert.deepEqual(s1.ends, ['replaced']);
      const firstExit = await exitWithin(first, 10_000);
      assert.ok(firstExit, 'the replaced ffmpeg exits');
      assert.notEqual(firstExit.code, 0);
      await until(() => s2.media.some(isVideoKeyframe), 'a keyframe from the second publisher', 10_000);
      assert.deepEqual(s2.ends, []);
      assert.equal(server.isLive(TARGET), true);
      await second.stop('SIGINT');
      await until(() => s2.ends.length > 0, 'the second session to end', 10_000);
      assert.equal(server.isLive(TARGET), false);
    },
  );
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { analyzeTimeline, decodeErrors, probeFrameSizes, probePackets } from '../utils/ffprobe';
import { startNginxRtmp } from '../utils/nginx-rtmp';
import { freePort, isPortFree } from '../utils/ports';
import { spawnProcess, stopAll, waitFor } from '../utils/processes';
import { startRedis } from '../utils/redis';

void after(() => stopAll());

/** ffmpeg publishing `seconds` of a 640x360 test pattern with a sine tone to `url`, in real time. */
function publishTestPattern(url: string, seconds: number) {
  return spawnProcess(
    'ffmpeg',
    [
      ...['-nostdin', '-hide_banner', '-loglevel', 'warning', '-re'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30'],
      ...['-c:a', 'aac', '-b:a', '128k', '-f', 'flv', url],
    ],
    { name: 'ffmpeg-publisher' },
  );
}

async function redisPing(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

void describe('nginx-rtmp destination', () => {
  void it('records one clean FLV file for one publishing connection', async (t) => {
    const nginx = await startNginxRtmp();
    t.after(() => nginx.remove());

    const publisher = publishTestPattern(`${nginx.url}/test-key`, 2);
    const exit = await publisher.waitForExit(20_000);
    assert.equal(exit.code, 0, publisher.tail());
    await waitFor(() => nginx.publishCount() === 1, { timeoutMs: 5_000, message: 'access log entry' });

    const recordings = nginx.recordings();
    assert.equal(recordings.length, 1, `recordings: ${recordings.join(', ')}`);
    const [file] = recordings as [string];
    assert.deepEqual(await decodeErrors(file), []);

    const streams = await probePackets(file);
    const video = streams.find((s) => s.codecType === 'video');
    const audio = streams.find((s) => s.codecType === 'audio');
    assert.ok(video && audio, `streams: ${JSON.stringify(streams.map((s) => s.codecType))}`);
    assert.ok(video.packets.length >= 50, `video packets: ${video.packets.length}`);
    assert.ok(video.packets[0]?.flags.startsWith('K'), 'recording starts with a keyframe');
    for (const stream of [video, audio]) {
      const timeline = analyzeTimeline(stream.packets);
      assert.equal(timeline.backwardsJumps, 0, `${stream.codecType}: ${JSON.stringify(timeline)}`);
      assert.ok(timeline.largestGapSec < 0.5, `${stream.codecType}: ${JSON.stringify(timeline)}`);
    }

    const frames = await probeFrameSizes(file);
    assert.ok(frames.length >= 50, `frames: ${frames.length}`);
    assert.ok(frames.every((f) => f.width === 640 && f.height === 360));
  });

  void it('refuses publishers when started with denyPublish', async (t) => {
    const nginx = await startNginxRtmp({ denyPublish: true });
    t.after(() => nginx.remove());

    const publisher = publishTestPattern(`${nginx.url}/test-key`, 2);
    const exit = await publisher.waitForExit(20_000);
    assert.notEqual(exit.code, 0, publisher.tail());
    assert.deepEqual(nginx.recordings(), []);
    await waitFor(() => nginx.refusedPublishCount() === 1, { timeoutMs: 5_000, message: 'refusal logged' });
  });
});

void describe('redis', () => {
  void it('answers PING before and after a clean and a hard restart, keeping appendonly data', async (t) => {
    const redis = await startRedis();
    t.after(() => redis.stop());

    assert.equal(await redisPing(redis.url), 'PONG');
    const client = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await client.connect();
    assert.deepEqual(await client.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
    await client.set('survives', 'restart');
    client.disconnect();

    await redis.restart();
    assert.equal(await redisPing(redis.url), 'PONG');
    await redis.restart({ hard: true });
    assert.equal(await redisPing(redis.url), 'PONG');

    const reopened = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await reopened.connect();
    assert.equal(await reopened.get('survives'), 'restart');
    reopened.disconnect();
  });
});

void describe('processes', () => {
  void it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const proc = spawnProcess('bash', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done']);
    await proc.waitForLine(/^ready$/, 5_000);
    const exit = await proc.stop('SIGTERM', 300);
    assert.equal(exit.signal, 'SIGKILL');
  });

  void it('rejects waitForLine when the process exits first, quoting its output', async () => {
    const proc = spawnProcess('bash', ['-c', 'echo some diagnostics; exit 3']);
    await assert.rejects(
      proc.waitForLine(/never printed/, 5_000),
      /exited \(code 3\)[\s\S]*some diagnostics/,
    );
  });

  void it('hands out distinct free ports', async () => {
    const [a, b] = [await freePort(), await freePort()];
    assert.notEqual(a, b);
    assert.ok(await isPortFree(a));
  });
});

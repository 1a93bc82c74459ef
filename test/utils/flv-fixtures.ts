import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseFlv, type FlvTag } from '@relay/media';

const execFileAsync = promisify(execFile);

/** Options of {@link makeFlvFixture}. */
export interface FlvFixtureOptions {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  /** Keyframe interval in frames; default fps (1 s GOP). */
  gopFrames?: number;
  audioRate?: number;
}

/**
 * Encodes a test pattern (lavfi testsrc2 + sine, H.264 + AAC) with the machine's ffmpeg and returns its
 * FLV tags: the same kind of tags an encoder publishes over RTMP.
 */
export async function makeFlvFixture(options: FlvFixtureOptions): Promise<FlvTag[]> {
  const fps = options.fps ?? 30;
  const dir = await mkdtemp(join(tmpdir(), 'flv-fixture-'));
  const file = join(dir, 'fixture.flv');
  try {
    await execFileAsync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${options.width}x${options.height}:rate=${fps}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=${options.audioRate ?? 48000}`,
      '-t',
      String(options.seconds),
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-g',
      String(options.gopFrames ?? fps),
      '-c:a',
      'aac',
      '-b:a',
      '96k',
      '-f',
      'flv',
      file,
    ]);
    return parseFlv(await readFile(file)).filter((t) => t.type !== 18);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Feeds tags to `sink` at the pace of their timestamps (like an encoder with -re), shifted by
 * `timestampOffsetMs`. Resolves when all were sent or `signal` aborts.
 */
export async function playTags(
  tags: readonly FlvTag[],
  sink: (tag: FlvTag) => void,
  options: { timestampOffsetMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const start = Date.now();
  const first = tags.find((t) => t.type !== 18)?.timestamp ?? 0;
  for (const tag of tags) {
    if (options.signal?.aborted) return;
    const due = start + (tag.timestamp - first) - Date.now();
    if (due > 5) await new Promise((resolve) => setTimeout(resolve, due));
    sink({ ...tag, timestamp: tag.timestamp + (options.timestampOffsetMs ?? 0) });
  }
}

/**
 * What the measuring chain itself adds, for the failover benchmark: tags of a real encode are sent at
 * their own pace, each stamped when written, and their arrival at an {@link RtmpSubscriber} is compared
 * with that stamp.
 *   - `nginx`: our RTMP publish client → nginx-rtmp → subscriber (the destination and the subscriber).
 *   - `leg`: FLV into the stdin of an ffmpeg started with the relay's leg arguments → nginx → subscriber
 *     (what a leg adds on top, steady state).
 */
import { encodeFlvHeader, encodeFlvTag, FlvTagType, isVideoSequenceHeader, type FlvTag } from '@relay/media';
import { RtmpTestClient } from '../../libs/media/src/ingest/testing/rtmp-test-client';
import { makeFlvFixture } from '../utils/flv-fixtures';
import { startNginxRtmp } from '../utils/nginx-rtmp';
import { spawnProcess } from '../utils/processes';
import { nowMs, RtmpSubscriber } from './failover-subscriber';

/** One-way latency (ms) of video frames in steady state: start-up probing and the final flush left out. */
export interface ChainLatency {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** Result of {@link calibrateChain}. */
export interface Calibration {
  readonly nginx: ChainLatency;
  readonly leg: ChainLatency;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function pace(tags: readonly FlvTag[], write: (tag: FlvTag) => void): Promise<number[]> {
  const sentAt: number[] = [];
  const start = nowMs();
  const first = tags[0]?.timestamp ?? 0;
  for (const tag of tags) {
    const due = start + tag.timestamp - first;
    const wait = due - nowMs();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (tag.type === FlvTagType.Video && !isVideoSequenceHeader(tag)) sentAt.push(nowMs());
    write(tag);
  }
  return sentAt;
}

function latency(sentAt: readonly number[], subscriber: RtmpSubscriber, skipMs: number): ChainLatency {
  const arrived = subscriber.tags.filter((t) => t.type === 9 && !t.config).map((t) => t.at);
  // The destination forwards every frame of a live publisher in order: the n-th sent is the n-th received.
  const skip = sentAt.length - arrived.length;
  const values: number[] = [];
  for (let i = 0; i < arrived.length; i++) {
    const sent = sentAt[i + Math.max(0, skip)];
    // The first seconds hold ffmpeg's input probing; the last second, its flush at the end of input.
    if (sent === undefined || sent - sentAt[0]! < skipMs || sentAt.at(-1)! - sent < 1000) continue;
    values.push(arrived[i]! - sent);
  }
  values.sort((a, b) => a - b);
  return {
    frames: values.length,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    max: values.at(-1) ?? NaN,
  };
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs both chains on one throw-away nginx-rtmp with `seconds` of a `width`x`height` 30 fps encode.
 * @throws Error when nginx, ffmpeg or the subscriber fail.
 */
export async function calibrateChain(width: number, height: number, seconds: number): Promise<Calibration> {
  const tags = (await makeFlvFixture({ width, height, seconds, fps: 30 })).filter(
    (t) => t.type !== FlvTagType.ScriptData,
  );
  const nginx = await startNginxRtmp();
  try {
    const direct = await RtmpSubscriber.play(nginx.port, 'live', 'calibration-direct');
    const publisher = await RtmpTestClient.open(nginx.port);
    const code = await publisher.publish('calibration-direct');
    if (code !== 'NetStream.Publish.Start') throw new Error(`nginx refused the calibration publish: ${code}`);
    publisher.socket.setNoDelay(true);
    const directSent = await pace(tags, (t) => publisher.media(t.type, t.timestamp, t.data));
    await settle(500);
    await publisher.close();
    direct.close();

    const viaLeg = await RtmpSubscriber.play(nginx.port, 'live', 'calibration-leg');
    const leg = spawnProcess(
      'ffmpeg',
      [
        ...['-hide_banner', '-f', 'flv', '-i', 'pipe:0', '-y', '-c', 'copy', '-map', '0'],
        ...['-f', 'flv', '-flvflags', 'no_duration_filesize', `${nginx.url}/calibration-leg`],
      ],
      { name: 'calibration leg', stdin: 'pipe', echo: false },
    );
    const stdin = leg.child.stdin!;
    stdin.on('error', () => undefined);
    stdin.write(encodeFlvHeader(true, true));
    const legSent = await pace(tags, (t) => stdin.write(encodeFlvTag(t)));
    await settle(1000);
    stdin.end();
    await leg.stop('SIGINT', 3000);
    viaLeg.close();
    return { nginx: latency(directSent, direct, 3000), leg: latency(legSent, viaLeg, 3000) };
  } finally {
    await nginx.remove();
  }
}

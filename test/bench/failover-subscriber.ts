/**
 * A minimal RTMP play client for the failover benchmark: it plays one stream from nginx-rtmp and stamps
 * every audio/video message with the wall clock of its arrival (the moment the last chunk of the message
 * was read from the socket), so the benchmark measures what a platform would receive.
 *
 * It speaks through this repository's own chunk reader and writer (RTMP spec 1.0, 5.3): simple handshake
 * (5.2), connect, createStream, play (7.2.1.1, 7.2.2.1), Acknowledgement per window (5.4.3). Payloads are
 * not kept: only type, DTS, keyframe/sequence-header flags and which input (by picture size) sent the tag.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  isAudioSequenceHeader,
  isVideoKeyframe,
  isVideoSequenceHeader,
  parseAvcDecoderConfig,
  type FlvTag,
} from '@relay/media';
import { createAmf0Object } from '../../libs/media/src/protocols/amf0';
import {
  ChunkReader,
  ChunkWriter,
  RtmpMessageType,
  acknowledgementMessage,
  commandMessage,
  decodeCommand,
  readControlU32,
  setChunkSizeMessage,
  type RtmpMessage,
} from '../../libs/media/src/protocols/rtmp';

/** Wall clock in ms with sub-millisecond resolution; the one clock of the benchmark. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** One audio or video tag as it arrived at the subscriber. Times in ms. */
export interface ArrivedTag {
  /** Wall clock of arrival ({@link nowMs}). */
  readonly at: number;
  readonly type: 8 | 9;
  /** DTS as the destination sent it (RTMP message timestamp). */
  readonly dts: number;
  readonly keyframe: boolean;
  /** AVC or AAC sequence header. */
  readonly config: boolean;
  /** Picture size of the last AVC sequence header, e.g. "1280x720": tells the inputs apart. */
  readonly source: string;
}

const HANDSHAKE_SIZE = 1536;
const S0S1S2_SIZE = 1 + 2 * HANDSHAKE_SIZE;

/** Plays `rtmp://127.0.0.1:<port>/<app>/<name>` and records every tag; see the file comment. */
export class RtmpSubscriber {
  readonly tags: ArrivedTag[] = [];
  /** onStatus codes received (e.g. NetStream.Play.PublishNotify / UnpublishNotify), with arrival times. */
  readonly statuses: Array<{ at: number; code: string }> = [];
  private readonly reader = new ChunkReader((m) => this.onMessage(m));
  private readonly writer = new ChunkWriter();
  private handshakeBytes = 0;
  private received = 0;
  private acked = 0;
  private ackWindow = 2_500_000;
  private source = 'none';
  private waiters: Array<() => void> = [];
  private closed = false;
  private commands: Array<{ name: string; txid: number; args: readonly unknown[] }> = [];

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects, handshakes and sends play; resolves once nginx answered createStream. */
  static async play(port: number, app: string, name: string): Promise<RtmpSubscriber> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const client = new RtmpSubscriber(socket);
    await client.start(port, app, name);
    return client;
  }

  /** Whether nginx closed the connection. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * The first video frame (not a sequence header) from input `source` that arrived at or after `afterMs`.
   * @throws Error after `timeoutMs`, or when the connection closes first.
   */
  async firstFrameFrom(source: string, afterMs: number, timeoutMs: number): Promise<ArrivedTag> {
    const deadline = Date.now() + timeoutMs;
    let from = this.indexAt(afterMs);
    for (;;) {
      for (; from < this.tags.length; from++) {
        const tag = this.tags[from]!;
        if (tag.type === 9 && !tag.config && tag.source === source) return tag;
      }
      if (this.closed) throw new Error(`subscriber closed while waiting for ${source}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame from ${source} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Index of the first tag that arrived at or after `atMs` (binary search: arrivals are ordered). */
  indexAt(atMs: number): number {
    let lo = 0;
    let hi = this.tags.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tags[mid]!.at < atMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  close(): void {
    this.socket.destroy();
  }

  private async start(port: number, app: string, name: string): Promise<void> {
    this.socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(HANDSHAKE_SIZE)]));
    await this.until(() => this.handshakeBytes >= S0S1S2_SIZE, 'S0+S1+S2');
    this.socket.write(Buffer.alloc(HANDSHAKE_SIZE));
    this.send(setChunkSizeMessage(4096));
    this.writer.setChunkSize(4096);
    const tcUrl = `rtmp://127.0.0.1:${port}/${app}`;
    this.send(
      commandMessage(0, 'connect', 1, Object.assign(createAmf0Object(), { app, tcUrl, fpad: false })),
    );
    await this.until(() => this.commands.some((c) => c.name === '_result' && c.txid === 1), 'connect');
    this.send(commandMessage(0, 'createStream', 2, null));
    await this.until(() => this.commands.some((c) => c.name === '_result' && c.txid === 2), 'createStream');
    const created = this.commands.find((c) => c.name === '_result' && c.txid === 2)!;
    const streamId = typeof created.args[0] === 'number' ? created.args[0] : 1;
    // start -1000: live only (as ffmpeg asks), wait for the publisher if none yet.
    this.send(commandMessage(streamId, 'play', 3, null, name, -1000));
  }

  private send(message: RtmpMessage): void {
    if (!this.socket.destroyed) this.socket.write(this.writer.write(message));
  }

  private async until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.closed) throw new Error(`nginx closed the connection while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private onData(data: Buffer): void {
    this.received += data.length;
    if (this.handshakeBytes < S0S1S2_SIZE) {
      const n = Math.min(S0S1S2_SIZE - this.handshakeBytes, data.length);
      this.handshakeBytes += n;
      data = data.subarray(n);
    }
    if (data.length > 0) this.reader.feed(data);
    if (this.received - this.acked >= this.ackWindow) {
      this.acked = this.received;
      this.send(acknowledgementMessage(this.received));
    }
    this.wake();
  }

  private onMessage(m: RtmpMessage): void {
    if (m.typeId === RtmpMessageType.Audio || m.typeId === RtmpMessageType.Video) {
      this.onMedia({ type: m.typeId, timestamp: m.timestamp, data: m.payload });
    } else if (m.typeId === RtmpMessageType.WindowAckSize) {
      this.ackWindow = readControlU32(m.payload);
    } else if (m.typeId === RtmpMessageType.CommandAmf0 || m.typeId === RtmpMessageType.CommandAmf3) {
      const command = decodeCommand(m.payload, m.typeId);
      this.commands.push({ name: command.name, txid: command.transactionId, args: command.args });
      if (this.commands.length > 50) this.commands.shift();
      const info = command.args[0] as { code?: unknown } | null | undefined;
      if (command.name === 'onStatus' && typeof info?.code === 'string') {
        this.statuses.push({ at: nowMs(), code: info.code });
      }
    }
  }

  private onMedia(tag: FlvTag): void {
    const at = nowMs();
    const videoConfig = isVideoSequenceHeader(tag);
    if (videoConfig) {
      const config = parseAvcDecoderConfig(tag.data);
      this.source = `${config.width}x${config.height}`;
    }
    this.tags.push({
      at,
      type: tag.type === 8 ? 8 : 9,
      dts: tag.timestamp,
      keyframe: isVideoKeyframe(tag),
      config: videoConfig || isAudioSequenceHeader(tag),
      source: this.source,
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

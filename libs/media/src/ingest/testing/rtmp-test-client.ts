import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Amf0Value } from '../../protocols/amf0/amf0-types';
import { createAmf0Object, amf0Properties } from '../../protocols/amf0/amf0-types';
import { ChunkReader } from '../../protocols/rtmp/chunk-reader';
import { ChunkWriter } from '../../protocols/rtmp/chunk-writer';
import { setChunkSizeMessage } from '../../protocols/rtmp/control-messages';
import { commandMessage, decodeCommand, type RtmpCommand } from '../../protocols/rtmp/rtmp-command';
import { RtmpMessageType } from '../../protocols/rtmp/rtmp-constants';
import type { RtmpMessage } from '../../protocols/rtmp/rtmp-message';

const S0S1S2_SIZE = 1 + 2 * 1536;

/**
 * Test support: a scripted RTMP publisher speaking through this library's own chunk reader and writer,
 * to drive the ingest server over real TCP with valid or deliberately broken input.
 */
export class RtmpTestClient {
  readonly received: RtmpMessage[] = [];
  /** Resolves when the server closes (or resets) the connection. */
  readonly closed: Promise<void>;
  private readonly reader = new ChunkReader((m) => this.onMessage(m));
  private readonly writer = new ChunkWriter();
  private handshakeBytes = 0;
  private waiters: (() => void)[] = [];
  private isClosed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    this.closed = once(socket, 'close').then(() => {
      this.isClosed = true;
      this.wake();
    });
  }

  /** Opens a TCP connection to 127.0.0.1:`port`. */
  static async open(port: number): Promise<RtmpTestClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RtmpTestClient(socket);
  }

  /** Whether the server closed the connection. */
  get serverClosed(): boolean {
    return this.isClosed;
  }

  /** Sends C0+C1 (simple handshake), waits for S0+S1+S2, sends C2. */
  async handshake(): Promise<void> {
    this.raw(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)]));
    await this.until(() => this.handshakeBytes >= S0S1S2_SIZE, 'S0+S1+S2');
    this.raw(Buffer.alloc(1536));
  }

  /** Writes bytes as they are. */
  raw(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Writes one message at the client's outbound chunk size. */
  send(message: RtmpMessage): void {
    this.raw(this.writer.write(message));
  }

  /** Announces and switches to a new outbound chunk size. */
  setChunkSize(size: number): void {
    this.send(setChunkSizeMessage(size));
    this.writer.setChunkSize(size);
  }

  /** Sends an AMF0 command. */
  command(streamId: number, name: string, transactionId: number, obj: Amf0Value, ...args: Amf0Value[]): void {
    this.send(commandMessage(streamId, name, transactionId, obj, ...args));
  }

  /** Sends an audio (8), video (9) or data (18) message on stream 1. */
  media(typeId: number, timestamp: number, payload: Buffer, streamId = 1): void {
    this.send({ chunkStreamId: typeId === 8 ? 4 : 6, typeId, streamId, timestamp, payload });
  }

  /** Waits for a command named `name` (optionally also with transaction id `txid`). */
  async waitCommand(
    name: string,
    txid?: number,
    timeoutMs = 3000,
  ): Promise<RtmpCommand & { streamId: number }> {
    let found: (RtmpCommand & { streamId: number }) | undefined;
    await this.until(
      () => {
        for (const m of this.received) {
          if (m.typeId !== RtmpMessageType.CommandAmf0) continue;
          const c = decodeCommand(m.payload, m.typeId);
          if (c.name === name && (txid === undefined || c.transactionId === txid)) {
            found = { ...c, streamId: m.streamId };
            return true;
          }
        }
        return false;
      },
      `command ${name}`,
      timeoutMs,
    );
    return found!;
  }

  /**
   * Runs connect → releaseStream → FCPublish → createStream → publish(`name`) as OBS does.
   * @returns the `code` of the onStatus reply, or 'closed' when the server closed the connection first
   */
  async publish(name: string, app = 'live'): Promise<string> {
    await this.handshake();
    this.setChunkSize(4096);
    this.command(
      0,
      'connect',
      1,
      Object.assign(createAmf0Object(), { app, flashVer: 'FMLE/3.0 (test)', type: 'nonprivate' }),
    );
    const connected = await this.waitCommandOrClose('_result', 1);
    if (!connected) return 'closed';
    this.command(0, 'releaseStream', 2, null, name);
    this.command(0, 'FCPublish', 3, null, name);
    this.command(0, 'createStream', 4, null);
    const created = await this.waitCommandOrClose('_result', 4);
    if (!created) return 'closed';
    const streamId = created.args[0] as number;
    this.command(streamId, 'publish', 5, null, name, 'live');
    const status = await this.waitCommandOrClose('onStatus');
    if (!status) return 'closed';
    return amf0Properties(status.args[0] ?? null)?.['code'] as string;
  }

  /** Closes the connection from the client side. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  private async waitCommandOrClose(name: string, txid?: number): Promise<RtmpCommand | null> {
    try {
      return await this.waitCommand(name, txid);
    } catch (err) {
      if (this.isClosed) return null;
      throw err;
    }
  }

  /** Waits until `predicate` holds; rejects after `timeoutMs` or when the connection closes first. */
  async until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.isClosed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private onData(data: Buffer): void {
    if (this.handshakeBytes < S0S1S2_SIZE) {
      const n = Math.min(S0S1S2_SIZE - this.handshakeBytes, data.length);
      this.handshakeBytes += n;
      data = data.subarray(n);
    }
    if (data.length > 0) this.reader.feed(data);
    this.wake();
  }

  private onMessage(m: RtmpMessage): void {
    this.received.push(m);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

import {
  CHUNK_MESSAGE_HEADER_SIZE,
  ChunkFormat,
  ChunkLimits,
  DEFAULT_CHUNK_SIZE,
  EXTENDED_TIMESTAMP_MARKER,
  RtmpMessageType,
} from './rtmp-constants';
import { RtmpProtocolError } from './rtmp-errors';
import type { RtmpMessage } from './rtmp-message';

/** Bounds of one {@link ChunkReader}. */
export interface ChunkReaderOptions {
  /** Largest message accepted, in bytes (default 8 MiB). */
  readonly maxMessageLength?: number;
  /** Most distinct chunk stream ids (default 32). */
  readonly maxChunkStreams?: number;
  /** Most bytes held in partially received messages, all chunk streams together (default 2 × max message). */
  readonly maxPendingBytes?: number;
}

/** Called for every complete message, synchronously from {@link ChunkReader.feed}. */
export type RtmpMessageHandler = (message: RtmpMessage) => void;

/** Per chunk stream id state (RTMP spec 1.0, 5.3.1.2: headers inherit from the previous chunk). */
interface ChunkStream {
  readonly id: number;
  /** Timestamp of the last message header, ms, unwrapped. */
  timestamp: number;
  /** Whether a message header was seen (a type 0 then unwraps against `timestamp`). */
  started: boolean;
  /** Delta a type 3 chunk starting a new message applies (type 0: its absolute timestamp). */
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  /** Whether the last type 0/1/2 header used the extended timestamp field, so type 3 chunks carry one. */
  extended: boolean;
  extendedValue: number;
  /** Message being received: preallocated once at its first chunk; null between messages. */
  buf: Buffer | null;
  filled: number;
  msgTimestamp: number;
}

const MAX_HEADER_SIZE = 3 + 11 + 4;
const EMPTY = Buffer.alloc(0);

/**
 * Incremental RTMP chunk stream parser (RTMP spec 1.0, 5.3): feed it Buffers of any size and at any
 * boundary; it calls the handler once per complete message.
 *
 * - Set Chunk Size (5.4.1) and Abort (5.4.2) are applied here and not passed on; every other message is.
 * - Timestamps (ms, plain numbers that do not wrap at 2^32): type 0 absolute (unwrapped against the chunk
 *   stream's previous timestamp, so a 32-bit wrap keeps counting up), type 1/2 deltas read as signed 32-bit
 *   (a step back arrives as 2^32 - n), type 3 repeats the last delta for a new message (after a type 0 that
 *   delta is its timestamp field, as ffmpeg and GStreamer write it); the
 *   extended timestamp (5.3.1.3) is read on type 3 chunks too when the chunk stream's last header used
 *   one. If a continuation chunk's 4 bytes do not match that value they are taken as payload (some
 *   encoders omit it on continuations).
 * - Each message body is allocated once, at its first chunk, and copied into; it is never reused.
 * - Bounds, each a {@link RtmpProtocolError}: chunk size 1..65536 (`chunk-size-out-of-range`), message
 *   length (`message-too-long`), distinct chunk streams (`too-many-chunk-streams`), bytes held in partial
 *   messages (`too-much-pending-data`), a type 0/1 header changing the length of a message being received
 *   (`message-length-changed`), a type 1/2/3 chunk on an unknown chunk stream (`no-previous-chunk`).
 * After an error the reader is closed: further feeds throw `reader-closed`.
 */
export class ChunkReader {
  private chunkSize: number = DEFAULT_CHUNK_SIZE;
  private readonly streams = new Map<number, ChunkStream>();
  private readonly header = Buffer.alloc(MAX_HEADER_SIZE);
  private headerFilled = 0;
  /** Chunk stream whose payload is being read, or null while reading a header. */
  private current: ChunkStream | null = null;
  private chunkRemaining = 0;
  private pendingBytes = 0;
  private closed = false;
  private readonly maxMessageLength: number;
  private readonly maxChunkStreams: number;
  private readonly maxPendingBytes: number;

  constructor(
    private readonly onMessage: RtmpMessageHandler,
    options: ChunkReaderOptions = {},
  ) {
    this.maxMessageLength = options.maxMessageLength ?? ChunkLimits.DefaultMaxMessageLength;
    this.maxChunkStreams = options.maxChunkStreams ?? ChunkLimits.DefaultMaxChunkStreams;
    this.maxPendingBytes = options.maxPendingBytes ?? 2 * this.maxMessageLength;
  }

  /** Current inbound chunk size in bytes (128 until the peer's Set Chunk Size). */
  get inboundChunkSize(): number {
    return this.chunkSize;
  }

  /**
   * Parses `data`, calling the handler for each message completed by it. `data` is not retained.
   * @throws RtmpProtocolError when the peer breaks a rule or a bound (the reader is then closed); any
   *   error thrown by the handler propagates and also closes the reader
   */
  feed(data: Buffer): void {
    if (this.closed) throw new RtmpProtocolError('reader-closed', 'chunk reader is closed');
    try {
      let pos = 0;
      while (pos < data.length && !this.closed) {
        pos = this.current === null ? this.readHeader(data, pos) : this.readPayload(data, pos);
      }
    } catch (err) {
      this.closed = true;
      throw err;
    }
  }

  /** Stops parsing: the rest of the current feed is ignored and later feeds throw. */
  close(): void {
    this.closed = true;
  }

  private readHeader(data: Buffer, pos: number): number {
    for (;;) {
      const need = this.headerSize();
      if (this.headerFilled >= need) break;
      const n = Math.min(need - this.headerFilled, data.length - pos);
      data.copy(this.header, this.headerFilled, pos, pos + n);
      this.headerFilled += n;
      pos += n;
      if (this.headerFilled < need) return pos;
    }
    this.headerFilled = 0;
    this.startChunk();
    return pos;
  }

  private readPayload(data: Buffer, pos: number): number {
    const cs = this.current!;
    const n = Math.min(this.chunkRemaining, data.length - pos);
    data.copy(cs.buf!, cs.filled, pos, pos + n);
    cs.filled += n;
    this.chunkRemaining -= n;
    if (this.chunkRemaining === 0) {
      this.current = null;
      if (cs.filled === cs.length) this.complete(cs);
    }
    return pos + n;
  }

  /** Bytes the header being read needs, as far as the bytes read so far tell (5.3.1). */
  private headerSize(): number {
    if (this.headerFilled < 1) return 1;
    const fmt = this.header[0]! >> 6;
    const basic = basicHeaderSize(this.header[0]!);
    const size = basic + CHUNK_MESSAGE_HEADER_SIZE[fmt as ChunkFormat];
    if (this.headerFilled < size) return size;
    if (fmt !== ChunkFormat.Continuation) {
      return this.header.readUIntBE(basic, 3) === EXTENDED_TIMESTAMP_MARKER ? size + 4 : size;
    }
    return this.requireStream(this.chunkStreamId(), fmt).extended ? size + 4 : size;
  }

  private chunkStreamId(): number {
    const low = this.header[0]! & 0x3f;
    if (low === 0) return this.header[1]! + 64;
    if (low === 1) return this.header[1]! + this.header[2]! * 256 + 64;
    return low;
  }

  private requireStream(csid: number, fmt: number): ChunkStream {
    const cs = this.streams.get(csid);
    if (!cs)
      throw new RtmpProtocolError('no-previous-chunk', `type ${fmt} chunk on new chunk stream ${csid}`);
    return cs;
  }

  private startChunk(): void {
    const h = this.header;
    const fmt = h[0]! >> 6;
    const csid = this.chunkStreamId();
    const p = basicHeaderSize(h[0]!);
    let cs = this.streams.get(csid);
    if (!cs) {
      if (fmt !== ChunkFormat.Full) this.requireStream(csid, fmt);
      if (this.streams.size >= this.maxChunkStreams) {
        throw new RtmpProtocolError(
          'too-many-chunk-streams',
          `more than ${this.maxChunkStreams} chunk streams`,
        );
      }
      cs = newChunkStream(csid);
      this.streams.set(csid, cs);
    }
    const field = fmt === ChunkFormat.Continuation ? 0 : h.readUIntBE(p, 3);
    const hasExtended = fmt === ChunkFormat.Continuation ? cs.extended : field === EXTENDED_TIMESTAMP_MARKER;
    const extended = hasExtended ? h.readUInt32BE(p + CHUNK_MESSAGE_HEADER_SIZE[fmt as ChunkFormat]) : 0;
    const length = fmt <= ChunkFormat.SameStream ? h.readUIntBE(p + 3, 3) : cs.length;

    if (cs.buf !== null) {
      this.continueMessage(cs, fmt, length, hasExtended, extended, p);
      return;
    }

    const value = hasExtended ? extended : field;
    switch (fmt) {
      case ChunkFormat.Full:
        cs.timestamp = cs.started ? unwrapTimestamp(cs.timestamp, value) : value;
        cs.delta = value;
        cs.started = true;
        cs.typeId = h[p + 6]!;
        cs.streamId = h.readUInt32LE(p + 7);
        break;
      case ChunkFormat.SameStream:
        cs.typeId = h[p + 6]!;
        cs.delta = signed32(value);
        cs.timestamp += cs.delta;
        break;
      case ChunkFormat.TimestampOnly:
        cs.delta = signed32(value);
        cs.timestamp += cs.delta;
        break;
      default:
        cs.timestamp += cs.delta;
    }
    if (fmt !== ChunkFormat.Continuation) {
      cs.extended = hasExtended;
      cs.extendedValue = extended;
    }
    cs.length = length;
    cs.msgTimestamp = cs.timestamp;
    if (length > this.maxMessageLength) {
      throw new RtmpProtocolError(
        'message-too-long',
        `message of ${length} bytes, max ${this.maxMessageLength}`,
      );
    }
    if (length === 0) {
      this.dispatch(cs, EMPTY);
      return;
    }
    if (this.pendingBytes + length > this.maxPendingBytes) {
      throw new RtmpProtocolError(
        'too-much-pending-data',
        `more than ${this.maxPendingBytes} bytes in partial messages`,
      );
    }
    this.pendingBytes += length;
    cs.buf = Buffer.allocUnsafe(length);
    cs.filled = 0;
    this.current = cs;
    this.chunkRemaining = Math.min(this.chunkSize, length);
  }

  /** A chunk on a chunk stream whose message is incomplete: its payload continues that message. */
  private continueMessage(
    cs: ChunkStream,
    fmt: number,
    length: number,
    hasExtended: boolean,
    extended: number,
    p: number,
  ): void {
    if (length !== cs.length) {
      throw new RtmpProtocolError(
        'message-length-changed',
        `chunk stream ${cs.id}: length ${cs.length} became ${length} mid-message`,
      );
    }
    this.current = cs;
    this.chunkRemaining = Math.min(this.chunkSize, cs.length - cs.filled);
    if (fmt !== ChunkFormat.Continuation) {
      // Tolerated (the message keeps its first header); later type 3 chunks follow this header.
      cs.extended = hasExtended;
      cs.extendedValue = extended;
    } else if (hasExtended && extended !== cs.extendedValue && this.chunkRemaining >= 4) {
      // No extended timestamp on this continuation after all: those 4 bytes are payload.
      this.header.copy(cs.buf!, cs.filled, p, p + 4);
      cs.filled += 4;
      this.chunkRemaining -= 4;
      if (this.chunkRemaining === 0) {
        this.current = null;
        if (cs.filled === cs.length) this.complete(cs);
      }
    }
  }

  private complete(cs: ChunkStream): void {
    const payload = cs.buf!;
    cs.buf = null;
    cs.filled = 0;
    this.pendingBytes -= payload.length;
    this.dispatch(cs, payload);
  }

  private dispatch(cs: ChunkStream, payload: Buffer): void {
    switch (cs.typeId) {
      case RtmpMessageType.SetChunkSize:
        this.chunkSize = parseChunkSize(payload);
        return;
      case RtmpMessageType.Abort:
        this.abort(payload);
        return;
      default:
        this.onMessage({
          typeId: cs.typeId,
          streamId: cs.streamId,
          timestamp: cs.msgTimestamp,
          payload,
          chunkStreamId: cs.id,
        });
    }
  }

  private abort(payload: Buffer): void {
    if (payload.length < 4)
      throw new RtmpProtocolError('malformed-control-message', 'Abort shorter than 4 bytes');
    const cs = this.streams.get(payload.readUInt32BE(0));
    if (cs?.buf) {
      this.pendingBytes -= cs.buf.length;
      cs.buf = null;
      cs.filled = 0;
    }
  }
}

/** Basic header size from its first byte: 1, 2 or 3 bytes (RTMP spec 1.0, 5.3.1.1). */
function basicHeaderSize(b0: number): number {
  const low = b0 & 0x3f;
  return low === 0 ? 2 : low === 1 ? 3 : 1;
}

/**
 * Reads a Set Chunk Size body (RTMP spec 1.0, 5.4.1).
 * @throws RtmpProtocolError `malformed-control-message` (short body), `chunk-size-out-of-range`
 *   (bit 31 set, 0, or above 65536)
 */
export function parseChunkSize(payload: Buffer): number {
  if (payload.length < 4)
    throw new RtmpProtocolError('malformed-control-message', 'Set Chunk Size shorter than 4 bytes');
  const size = payload.readUInt32BE(0);
  if (size < 1 || size > ChunkLimits.MaxChunkSize) {
    throw new RtmpProtocolError(
      'chunk-size-out-of-range',
      `chunk size ${size}, allowed 1..${ChunkLimits.MaxChunkSize}`,
    );
  }
  return size;
}

/**
 * A 32-bit delta as a signed number: encoders (GStreamer rtmp2) write a step back of n ms as 2^32 - n.
 * No real delta is 2^31 ms (24 days) or more.
 */
function signed32(delta: number): number {
  return delta >= 0x80000000 ? delta - 0x100000000 : delta;
}

/** The unwrapped timestamp nearest to `previous` whose low 32 bits are `field` (serial-number arithmetic). */
function unwrapTimestamp(previous: number, field: number): number {
  const low = ((previous % 0x100000000) + 0x100000000) % 0x100000000;
  return previous + signed32((field - low + 0x100000000) % 0x100000000);
}

function newChunkStream(id: number): ChunkStream {
  return {
    id,
    timestamp: 0,
    started: false,
    delta: 0,
    length: 0,
    typeId: 0,
    streamId: 0,
    extended: false,
    extendedValue: 0,
    buf: null,
    filled: 0,
    msgTimestamp: 0,
  };
}

import {
  ChunkFormat,
  ChunkLimits,
  DEFAULT_CHUNK_SIZE,
  EXTENDED_TIMESTAMP_MARKER,
  MAX_CHUNK_STREAM_ID,
  MIN_CHUNK_STREAM_ID,
} from './rtmp-constants';
import type { RtmpMessage } from './rtmp-message';

/**
 * Serializes messages into chunks (RTMP spec 1.0, 5.3) at the current outbound chunk size: a type 0
 * chunk, then type 3 continuations; an extended timestamp (5.3.1.3) when the timestamp is 0xFFFFFF or
 * more, repeated on every continuation as librtmp, ffmpeg and FMS expect. One exactly-sized Buffer per
 * message. Only for the few messages a server sends (always type 0 headers, no delta compression).
 */
export class ChunkWriter {
  private chunkSize: number = DEFAULT_CHUNK_SIZE;

  /** Current outbound chunk size in bytes. */
  get outboundChunkSize(): number {
    return this.chunkSize;
  }

  /**
   * Changes the outbound chunk size. Call right after serializing the Set Chunk Size message (5.4.1)
   * that announces it: chunks written later use the new size.
   * @throws RangeError outside 1..65536
   */
  setChunkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > ChunkLimits.MaxChunkSize) {
      throw new RangeError(`chunk size ${size} outside 1..${ChunkLimits.MaxChunkSize}`);
    }
    this.chunkSize = size;
  }

  /**
   * Serializes one message.
   * @param message chunk stream id 2..65599, type id, stream id (u32), timestamp in ms (taken modulo
   *   2^32), payload up to 16 MiB - 1
   * @throws RangeError for an out-of-range chunk stream id or payload length
   */
  write(message: RtmpMessage): Buffer {
    const { chunkStreamId: csid, payload } = message;
    if (!Number.isInteger(csid) || csid < MIN_CHUNK_STREAM_ID || csid > MAX_CHUNK_STREAM_ID) {
      throw new RangeError(`chunk stream id ${csid} outside ${MIN_CHUNK_STREAM_ID}..${MAX_CHUNK_STREAM_ID}`);
    }
    if (payload.length > 0xffffff) throw new RangeError(`message of ${payload.length} bytes exceeds 24 bits`);
    const timestamp = message.timestamp % 0x100000000;
    const extended = timestamp >= EXTENDED_TIMESTAMP_MARKER;
    const basic = csid < 64 ? 1 : csid < 320 ? 2 : 3;
    const ext = extended ? 4 : 0;
    const chunks = Math.max(1, Math.ceil(payload.length / this.chunkSize));
    const out = Buffer.allocUnsafe(chunks * (basic + ext) + 11 + payload.length);

    let pos = writeBasicHeader(out, 0, ChunkFormat.Full, csid);
    out.writeUIntBE(extended ? EXTENDED_TIMESTAMP_MARKER : timestamp, pos, 3);
    out.writeUIntBE(payload.length, pos + 3, 3);
    out[pos + 6] = message.typeId;
    out.writeUInt32LE(message.streamId, pos + 7);
    pos += 11;
    for (let offset = 0, i = 0; i < chunks; i++) {
      if (i > 0) pos = writeBasicHeader(out, pos, ChunkFormat.Continuation, csid);
      if (extended) pos = out.writeUInt32BE(timestamp, pos);
      const n = Math.min(this.chunkSize, payload.length - offset);
      pos += payload.copy(out, pos, offset, offset + n);
      offset += n;
    }
    return out;
  }
}

/** Writes a basic header (RTMP spec 1.0, 5.3.1.1); returns the offset after it. */
function writeBasicHeader(out: Buffer, pos: number, fmt: ChunkFormat, csid: number): number {
  if (csid < 64) {
    out[pos] = (fmt << 6) | csid;
    return pos + 1;
  }
  if (csid < 320) {
    out[pos] = fmt << 6;
    out[pos + 1] = csid - 64;
    return pos + 2;
  }
  out[pos] = (fmt << 6) | 1;
  out[pos + 1] = (csid - 64) & 0xff;
  out[pos + 2] = (csid - 64) >> 8;
  return pos + 3;
}

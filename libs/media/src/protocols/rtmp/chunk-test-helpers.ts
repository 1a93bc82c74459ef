import { ChunkReader, type ChunkReaderOptions } from './chunk-reader';
import type { RtmpMessage } from './rtmp-message';

/** Test support: raw chunk header fields (RTMP spec 1.0, 5.3.1); omitted fields are not written. */
export interface RawChunk {
  readonly fmt: 0 | 1 | 2 | 3;
  readonly csid: number;
  /** Timestamp or delta field value; >= 0xFFFFFF writes the marker and an extended timestamp. */
  readonly ts?: number;
  readonly length?: number;
  readonly typeId?: number;
  readonly streamId?: number;
  /** Extended timestamp to append to a type 3 chunk. */
  readonly ext?: number;
  readonly payload?: Buffer;
}

/** Test support: serializes one raw chunk exactly as described, for malformed-input tests. */
export function rawChunk(c: RawChunk): Buffer {
  const parts: Buffer[] = [];
  if (c.csid < 64) parts.push(Buffer.from([(c.fmt << 6) | c.csid]));
  else if (c.csid < 320) parts.push(Buffer.from([c.fmt << 6, c.csid - 64]));
  else parts.push(Buffer.from([(c.fmt << 6) | 1, (c.csid - 64) & 0xff, (c.csid - 64) >> 8]));
  const ts = c.ts ?? 0;
  const extended = ts >= 0xffffff;
  if (c.fmt <= 2) {
    const h = Buffer.alloc([11, 7, 3][c.fmt]!);
    h.writeUIntBE(extended ? 0xffffff : ts, 0, 3);
    if (c.fmt <= 1) {
      h.writeUIntBE(c.length ?? c.payload?.length ?? 0, 3, 3);
      h[6] = c.typeId ?? 9;
    }
    if (c.fmt === 0) h.writeUInt32LE(c.streamId ?? 1, 7);
    parts.push(h);
    if (extended) parts.push(u32(ts));
  } else if (c.ext !== undefined) {
    parts.push(u32(c.ext));
  }
  if (c.payload) parts.push(c.payload);
  return Buffer.concat(parts);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v, 0);
  return b;
}

/** Test support: a reader that collects messages; `feed` splits the input at the given sizes. */
export function collectingReader(options?: ChunkReaderOptions): {
  reader: ChunkReader;
  messages: RtmpMessage[];
  feed(data: Buffer, pieceSize?: number): void;
} {
  const messages: RtmpMessage[] = [];
  const reader = new ChunkReader((m) => messages.push(m), options);
  return {
    reader,
    messages,
    feed(data, pieceSize = data.length) {
      for (let i = 0; i < data.length; i += pieceSize) reader.feed(data.subarray(i, i + pieceSize));
    },
  };
}

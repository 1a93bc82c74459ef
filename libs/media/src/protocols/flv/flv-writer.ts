import { FLV_HEADER_SIZE, FLV_PREVIOUS_TAG_SIZE_SIZE, FLV_TAG_HEADER_SIZE } from './flv-constants';
import type { FlvTag } from './flv-tag';

/** Largest tag body an FLV tag header can describe: DataSize is 24 bits (FLV spec E.4.1). */
export const FLV_MAX_TAG_DATA_SIZE = 0xffffff;

/**
 * The FLV file header (FLV spec E.2) followed by PreviousTagSize0 = 0 (E.3): 13 bytes that start
 * every FLV byte stream a leg reads.
 *
 * @param hasAudio sets TypeFlagsAudio; @param hasVideo sets TypeFlagsVideo.
 */
export function encodeFlvHeader(hasAudio: boolean, hasVideo: boolean): Buffer {
  const header = Buffer.alloc(FLV_HEADER_SIZE + FLV_PREVIOUS_TAG_SIZE_SIZE);
  header.write('FLV', 0, 'latin1');
  header[3] = 1; // version
  header[4] = (hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0);
  header.writeUInt32BE(FLV_HEADER_SIZE, 5);
  // PreviousTagSize0 stays 0.
  return header;
}

/**
 * Serialises one tag as FLV bytes: tag header (FLV spec E.4.1), body, PreviousTagSize (E.3).
 * The timestamp is written as 24 bits plus the TimestampExtended byte, i.e. modulo 2^32 ms.
 *
 * @returns a new Buffer of 11 + data.length + 4 bytes.
 * @throws RangeError when the body is larger than 16 MiB - 1 or the timestamp is negative.
 */
export function encodeFlvTag(tag: FlvTag): Buffer {
  const size = tag.data.length;
  if (size > FLV_MAX_TAG_DATA_SIZE)
    throw new RangeError(`FLV tag body of ${size} bytes exceeds 24-bit DataSize`);
  if (tag.timestamp < 0) throw new RangeError(`FLV tag timestamp ${tag.timestamp} ms is negative`);
  const out = Buffer.allocUnsafe(FLV_TAG_HEADER_SIZE + size + FLV_PREVIOUS_TAG_SIZE_SIZE);
  const ts = tag.timestamp % 0x1_0000_0000;
  out[0] = tag.type;
  out.writeUIntBE(size, 1, 3);
  out.writeUIntBE(ts & 0xffffff, 4, 3);
  out[7] = (ts >>> 24) & 0xff;
  out.writeUIntBE(0, 8, 3); // StreamID, always 0
  tag.data.copy(out, FLV_TAG_HEADER_SIZE);
  out.writeUInt32BE(FLV_TAG_HEADER_SIZE + size, FLV_TAG_HEADER_SIZE + size);
  return out;
}

import {
  FLV_HEADER_SIZE,
  FLV_PREVIOUS_TAG_SIZE_SIZE,
  FLV_TAG_HEADER_SIZE,
  FlvTagType,
} from './flv-constants';
import type { FlvTag } from './flv-tag';

/** Thrown by {@link parseFlv} for bytes that are not an FLV stream; the message names the rule. */
export class FlvParseError extends Error {
  override readonly name = 'FlvParseError';
}

/**
 * Parses a complete FLV byte stream (FLV spec E.2-E.4) into tags. Used by tests and tools, not on
 * the hot path. A truncated last tag is ignored (a recording cut mid-write).
 *
 * @throws FlvParseError when the signature is not "FLV" or a tag type is not 8, 9 or 18.
 */
export function parseFlv(bytes: Buffer): FlvTag[] {
  if (bytes.length < FLV_HEADER_SIZE || bytes.toString('latin1', 0, 3) !== 'FLV') {
    throw new FlvParseError('FLV header: signature "FLV" missing');
  }
  const tags: FlvTag[] = [];
  let offset = bytes.readUInt32BE(5) + FLV_PREVIOUS_TAG_SIZE_SIZE;
  while (offset + FLV_TAG_HEADER_SIZE <= bytes.length) {
    const type = bytes[offset]! & 0x1f;
    const size = bytes.readUIntBE(offset + 1, 3);
    const timestamp = bytes.readUIntBE(offset + 4, 3) + bytes[offset + 7]! * 0x1000000;
    const end = offset + FLV_TAG_HEADER_SIZE + size;
    if (end > bytes.length) break;
    if (type !== FlvTagType.Audio && type !== FlvTagType.Video && type !== FlvTagType.ScriptData) {
      throw new FlvParseError(`FLV tag at byte ${offset}: TagType ${type} is not 8, 9 or 18`);
    }
    tags.push({ type, timestamp, data: bytes.subarray(offset + FLV_TAG_HEADER_SIZE, end) });
    offset = end + FLV_PREVIOUS_TAG_SIZE_SIZE;
  }
  return tags;
}

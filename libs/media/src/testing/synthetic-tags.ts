import { FlvTagType } from '../protocols/flv/flv-constants';
import type { FlvTag } from '../protocols/flv/flv-tag';

/**
 * Synthetic FLV tags for unit tests: AVC (codec 7) and AAC (format 10) headers with a marker byte,
 * so a test can tell which input a tag came from. Not real coded media.
 */
export const synthetic = {
  videoConfig: (marker: number, ts = 0): FlvTag => ({
    type: FlvTagType.Video,
    timestamp: ts,
    data: Buffer.from([0x17, 0, 0, 0, 0, marker]),
  }),
  audioConfig: (marker: number, ts = 0): FlvTag => ({
    type: FlvTagType.Audio,
    timestamp: ts,
    data: Buffer.from([0xaf, 0, marker]),
  }),
  keyframe: (marker: number, ts: number): FlvTag => ({
    type: FlvTagType.Video,
    timestamp: ts,
    data: Buffer.from([0x17, 1, 0, 0, 0, marker]),
  }),
  interframe: (marker: number, ts: number): FlvTag => ({
    type: FlvTagType.Video,
    timestamp: ts,
    data: Buffer.from([0x27, 1, 0, 0, 0, marker]),
  }),
  audio: (marker: number, ts: number): FlvTag => ({
    type: FlvTagType.Audio,
    timestamp: ts,
    data: Buffer.from([0xaf, 1, marker]),
  }),
  /** The marker byte a synthetic tag carries (last byte). */
  markerOf: (tag: FlvTag): number => tag.data[tag.data.length - 1]!,
};

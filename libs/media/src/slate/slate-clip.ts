import { FlvTagType } from '../protocols/flv/flv-constants';
import {
  isAudioSequenceHeader,
  isMediaFrame,
  isVideoKeyframe,
  isVideoSequenceHeader,
  type FlvTag,
} from '../protocols/flv/flv-tag';
import type { SlateParams } from './slate-params';

/**
 * A short slate clip ready to loop: tag bodies only (FLV spec E.4.2, E.4.3), the timestamps are given by
 * the loop (see SlateLoop).
 *
 * - `videoConfig`, `audioConfig`: AVC and AAC sequence header bodies.
 * - `video`: the video frame bodies in decode order; `video[0]` is a keyframe (IDR), and with no
 *   B-frames each composition time is 0, so the clip can restart at `video[0]` at any time.
 * - `audio`: the AAC frame bodies (1024 samples each, ISO/IEC 14496-3), silence.
 * - `encodeMs`: how long the encoder took (wall clock); `bytes`: total size of the bodies.
 */
export interface SlateClip {
  readonly params: SlateParams;
  readonly videoConfig: Buffer;
  readonly audioConfig: Buffer;
  readonly video: readonly Buffer[];
  readonly audio: readonly Buffer[];
  readonly encodeMs: number;
  readonly bytes: number;
}

/** Thrown when a slate clip cannot be made; the message says why in plain words. */
export class SlateError extends Error {
  override readonly name = 'SlateError';
}

/**
 * Builds a clip from the tags of an encoded FLV stream, keeping at most `maxVideoFrames` video frames.
 *
 * @throws SlateError when a sequence header is missing, there is no video or audio frame, or the first
 *   video frame is not a keyframe.
 */
export function slateClipFromTags(
  params: SlateParams,
  tags: readonly FlvTag[],
  maxVideoFrames: number,
  encodeMs: number,
): SlateClip {
  let videoConfig: Buffer | null = null;
  let audioConfig: Buffer | null = null;
  const video: Buffer[] = [];
  const audio: Buffer[] = [];
  for (const tag of tags) {
    if (isVideoSequenceHeader(tag)) videoConfig ??= tag.data;
    else if (isAudioSequenceHeader(tag)) audioConfig ??= tag.data;
    else if (!isMediaFrame(tag)) continue;
    else if (tag.type === FlvTagType.Audio) audio.push(tag.data);
    else if (video.length < maxVideoFrames) {
      if (video.length === 0 && !isVideoKeyframe(tag)) {
        throw new SlateError('the slate encoder did not start the video with a keyframe');
      }
      video.push(tag.data);
    }
  }
  if (!videoConfig) throw new SlateError('the slate encoder wrote no H.264 sequence header');
  if (!audioConfig) throw new SlateError('the slate encoder wrote no AAC sequence header');
  if (video.length === 0) throw new SlateError('the slate encoder wrote no video frame');
  if (audio.length === 0) throw new SlateError('the slate encoder wrote no audio frame');
  let bytes = videoConfig.length + audioConfig.length;
  for (const body of video) bytes += body.length;
  for (const body of audio) bytes += body.length;
  return { params, videoConfig, audioConfig, video, audio, encodeMs, bytes };
}

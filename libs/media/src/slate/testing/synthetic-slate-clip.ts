import type { SlateClip } from '../slate-clip';
import { DEFAULT_SLATE_PARAMS, type SlateParams } from '../slate-params';

/** Marker byte of synthetic slate tags (the inputs of the switcher specs use 1 and 2). */
export const SLATE_MARKER = 9;

/**
 * A slate clip of synthetic tags for unit tests (not decodable): AVC/AAC headers, `videoFrames` video
 * frames with a keyframe every `gop`, and `audioFrames` AAC frames, each ending with SLATE_MARKER and
 * its index in the clip.
 */
export function syntheticSlateClip(
  params: Partial<SlateParams> = {},
  videoFrames = 60,
  gop = 30,
  audioFrames = 75,
): SlateClip {
  const p = { ...DEFAULT_SLATE_PARAMS, ...params };
  const video = Array.from({ length: videoFrames }, (_, i) =>
    Buffer.from([i % gop === 0 ? 0x17 : 0x27, 1, 0, 0, 0, i, SLATE_MARKER]),
  );
  const audio = Array.from({ length: audioFrames }, (_, i) => Buffer.from([0xaf, 1, i, SLATE_MARKER]));
  return {
    params: p,
    videoConfig: Buffer.from([0x17, 0, 0, 0, 0, SLATE_MARKER]),
    audioConfig: Buffer.from([0xaf, 0, SLATE_MARKER]),
    video,
    audio,
    encodeMs: 5,
    bytes: 0,
  };
}

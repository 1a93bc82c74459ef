import type { InputMediaInfo } from '../probe/media-info';

/** x264 profiles the slate can be encoded with (4:2:0, 8 bits). */
export type SlateProfile = 'baseline' | 'main' | 'high';

/**
 * What the slate clip is encoded with, taken from the program's media so a platform sees the same stream
 * parameters before, during and after the slate.
 *
 * - `width`, `height`: pixels, even (4:2:0 chroma), 16..4096.
 * - `frameRateNum` / `frameRateDen`: frames per second as a fraction (30000/1001 for 29.97).
 * - `profile`: H.264 profile for x264 (ITU-T H.264 A.2); `level`: H.264 level ('3.1', '4.0') or null to
 *   let x264 choose.
 * - `sampleRate` (Hz) and `channels`: of the AAC-LC silence (ISO/IEC 14496-3 sampling frequencies).
 */
export interface SlateParams {
  readonly width: number;
  readonly height: number;
  readonly frameRateNum: number;
  readonly frameRateDen: number;
  readonly profile: SlateProfile;
  readonly level: string | null;
  readonly sampleRate: number;
  readonly channels: number;
}

/** Used for whatever the program's media does not say: 1280x720 at 30 fps, High, 48 kHz stereo. */
export const DEFAULT_SLATE_PARAMS: SlateParams = {
  width: 1280,
  height: 720,
  frameRateNum: 30,
  frameRateDen: 1,
  profile: 'high',
  level: null,
  sampleRate: 48_000,
  channels: 2,
};

/** Sampling frequencies AAC signals by index (ISO/IEC 14496-3 1.6.3.4, Table 1.18). */
const AAC_SAMPLE_RATES = new Set([
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000,
]);
/** H.264 levels (ITU-T H.264 Table A-1) that x264's `-level` takes. */
const H264_LEVELS = new Set([
  '1',
  '1b',
  '1.1',
  '1.2',
  '1.3',
  '2',
  '2.1',
  '2.2',
  '3',
  '3.1',
  '3.2',
  '4',
  '4.1',
  '4.2',
  '5',
  '5.1',
  '5.2',
  '6',
  '6.1',
  '6.2',
]);
const MAX_FPS = 120;
const MAX_SIDE = 4096;
const MIN_SIDE = 16;
const MAX_CHANNELS = 8;

/**
 * The slate parameters for a program whose input last on air has `media` (null: nothing probed).
 * Each unknown or unusable field falls back to {@link DEFAULT_SLATE_PARAMS}. Never throws.
 */
export function slateParamsFrom(media: InputMediaInfo | null): SlateParams {
  const video = media?.video ?? null;
  const audio = media?.audio ?? null;
  const d = DEFAULT_SLATE_PARAMS;
  const sized = video?.width && video.height ? video : null;
  const fps = video?.frameRate ?? video?.measuredFrameRate ?? null;
  const rate = fps !== null && fps > 0 && fps <= MAX_FPS ? frameRateFraction(fps) : null;
  const sampleRate = audio?.sampleRate && AAC_SAMPLE_RATES.has(audio.sampleRate) ? audio.sampleRate : null;
  const channels = audio?.channels && audio.channels <= MAX_CHANNELS ? audio.channels : null;
  return {
    width: sized ? evenSide(sized.width!) : d.width,
    height: sized ? evenSide(sized.height!) : d.height,
    frameRateNum: rate?.num ?? d.frameRateNum,
    frameRateDen: rate?.den ?? d.frameRateDen,
    profile: x264Profile(video?.codec === 'h264' ? video.profile : null),
    level: video?.codec === 'h264' ? x264Level(video.level) : null,
    sampleRate: sampleRate ?? d.sampleRate,
    channels: channels ?? d.channels,
  };
}

/** A string that is equal for equal parameters: the clip cache's key. */
export function slateParamsKey(p: SlateParams): string {
  const rate = `${p.frameRateNum}/${p.frameRateDen}`;
  return `${p.width}x${p.height}@${rate} ${p.profile} ${p.level ?? 'auto'} ${p.sampleRate}Hz ${p.channels}ch`;
}

/** Frames per second of `p` as a number. */
export function slateFrameRate(p: SlateParams): number {
  return p.frameRateNum / p.frameRateDen;
}

/** A measured rate this close (fps) to a usual one is that one (ms timestamps make measures wobble). */
const FPS_TOLERANCE = 0.02;

/** 29.97 → 30000/1001, 29.99 → 30/1, 12.5 → 25/2; anything else to 1/100 fps. */
function frameRateFraction(fps: number): { num: number; den: number } {
  const ntsc = Math.round(fps * 1.001);
  const ntscError = Math.abs((ntsc * 1000) / 1001 - fps);
  const whole = Math.round(fps);
  if (Math.abs(fps - whole) <= Math.min(FPS_TOLERANCE, ntscError)) return { num: whole, den: 1 };
  if (ntscError <= FPS_TOLERANCE) return { num: ntsc * 1000, den: 1001 };
  const half = Math.round(fps * 2);
  if (Math.abs(half / 2 - fps) <= FPS_TOLERANCE) return { num: half, den: 2 };
  return { num: Math.round(fps * 100), den: 100 };
}

/** '4.0' → '4', '3.1' → '3.1', '1b' → '1b'; null for a level x264 does not know. */
function x264Level(name: string | null): string | null {
  const level = name?.replace(/\.0$/, '') ?? null;
  return level !== null && H264_LEVELS.has(level) ? level : null;
}

function evenSide(pixels: number): number {
  const even = Math.round(pixels / 2) * 2;
  return Math.min(MAX_SIDE, Math.max(MIN_SIDE, even));
}

/** ffprobe's profile names (see probe/avc-decoder-config) to x264's; 10-bit and 4:2:2/4:4:4 become High. */
function x264Profile(name: string | null): SlateProfile {
  if (name === null) return DEFAULT_SLATE_PARAMS.profile;
  if (name.endsWith('Baseline')) return 'baseline';
  if (name === 'Main' || name === 'Extended') return 'main';
  return 'high';
}

import { FlvTagType, SoundFormat } from '../protocols/flv/flv-constants';
import {
  type FlvTag,
  isAudioSequenceHeader,
  isMediaFrame,
  isVideoKeyframe,
  isVideoSequenceHeader,
} from '../protocols/flv/flv-tag';
import { parseAacSequenceHeader } from './audio-specific-config';
import { parseAvcDecoderConfig } from './avc-decoder-config';
import { parseFlvAudioHeader } from './flv-audio-header';
import { flvVideoCodecName } from './flv-video-codec';
import type { AudioMediaInfo, InputMediaInfo } from './media-info';

/** Length of the measuring window in seconds (bitrate, measured frame rate). */
export const MEDIA_STATS_WINDOW_SECONDS = 5;
/** One bucket per wall-clock second: the window plus the second in progress. */
const BUCKETS = MEDIA_STATS_WINDOW_SECONDS + 1;
/** Bitrates need at least this much wall-clock time of data, in ms, to mean anything. */
const MIN_BITRATE_SPAN_MS = 1000;
/** Keyframe intervals averaged. */
const KEYFRAME_INTERVALS = 4;
/** A DTS step between two video frames above this (ms), or backwards, is a discontinuity, not a frame. */
const MAX_FRAME_STEP_MS = 1000;
/** Keyframe intervals above this (ms) are a discontinuity, not a GOP. */
const MAX_KEYFRAME_INTERVAL_MS = 60_000;

interface VideoState {
  codec: string;
  profile: string | null;
  level: string | null;
  width: number | null;
  height: number | null;
  declaredFrameRate: number | null;
}
type AudioState = Omit<AudioMediaInfo, 'bitrateKbps'>;

const round = (value: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/**
 * Probes one input's media from its FLV tags: codec configuration from the sequence headers, frame rate,
 * keyframe interval and bitrates measured from the frames. Per-tag work is O(1) and allocates nothing
 * (fixed rings of typed arrays; one bucket per wall-clock second); only a codec change allocates.
 * Not thread-safe; one instance per input, created when the input connects.
 */
export class InputMediaStats {
  private video: VideoState | null = null;
  private audio: AudioState | null = null;
  private videoCodecByte = -1;
  private audioFlagsByte = -1;
  private firstWallMs = Number.NaN;
  private readonly bucketSecond = new Float64Array(BUCKETS).fill(Number.NaN);
  private readonly videoBytes = new Float64Array(BUCKETS);
  private readonly audioBytes = new Float64Array(BUCKETS);
  private readonly frameSteps = new Float64Array(BUCKETS);
  private readonly frameStepMs = new Float64Array(BUCKETS);
  private lastVideoDts = Number.NaN;
  private lastKeyframeDts = Number.NaN;
  private framesSinceKeyframe = 0;
  private readonly gopMs = new Float64Array(KEYFRAME_INTERVALS);
  private readonly gopFrames = new Float64Array(KEYFRAME_INTERVALS);
  private gopCount = 0;
  private gopNext = 0;

  /** Routes a tag: sequence headers to the config handlers, everything else to {@link onFrame}. */
  onTag(tag: FlvTag, wallClockMs: number): void {
    if (isVideoSequenceHeader(tag)) this.onVideoConfig(tag);
    else if (isAudioSequenceHeader(tag)) this.onAudioConfig(tag);
    else this.onFrame(tag, wallClockMs);
  }

  /**
   * Takes an AVC sequence header (FLV spec E.4.3.1). Never throws: an unreadable one records the codec
   * as 'unknown' with no profile, level or size.
   */
  onVideoConfig(tag: FlvTag): void {
    this.videoCodecByte = tag.data[0] ?? -1;
    try {
      const c = parseAvcDecoderConfig(tag.data);
      this.video = {
        codec: c.codec,
        profile: c.profile,
        level: c.level,
        width: c.width,
        height: c.height,
        declaredFrameRate: c.frameRate,
      };
    } catch {
      this.video = {
        codec: 'unknown',
        profile: null,
        level: null,
        width: null,
        height: null,
        declaredFrameRate: null,
      };
    }
  }

  /**
   * Takes an AAC sequence header (FLV spec E.4.2.1). Never throws: an unreadable one records the codec
   * as 'unknown'.
   */
  onAudioConfig(tag: FlvTag): void {
    this.audioFlagsByte = tag.data[0] ?? -1;
    try {
      const c = parseAacSequenceHeader(tag.data);
      this.audio = { codec: c.codec, profile: c.profile, sampleRate: c.sampleRate, channels: c.channels };
    } catch {
      this.audio = { codec: 'unknown', profile: null, sampleRate: null, channels: null };
    }
  }

  /**
   * Counts one audio or video tag that is not a sequence header: bytes into the current wall-clock
   * bucket, DTS steps and keyframe distances. O(1); script data and sequence headers are ignored.
   *
   * @param wallClockMs the receive time in ms (a monotonic clock is best; buckets are whole seconds).
   */
  onFrame(tag: FlvTag, wallClockMs: number): void {
    const data = tag.data;
    const first = data[0];
    if (first === undefined || !isMediaFrame(tag)) return;
    if (tag.type === FlvTagType.Audio) {
      this.audioBytes[this.bucket(wallClockMs)]! += data.length;
      if (first !== this.audioFlagsByte) this.onAudioFlags(data, first);
      return;
    }
    const bucket = this.bucket(wallClockMs);
    this.videoBytes[bucket]! += data.length;
    if ((first & 0x0f) !== (this.videoCodecByte & 0x0f) || this.video === null) {
      this.videoCodecByte = first;
      const codec = flvVideoCodecName(data);
      if (this.video?.codec !== codec) {
        this.video = {
          codec,
          profile: null,
          level: null,
          width: null,
          height: null,
          declaredFrameRate: null,
        };
      }
    }
    this.countVideoFrame(tag, bucket);
  }

  /** Forgets everything, as for a new connection. */
  reset(): void {
    this.video = null;
    this.audio = null;
    this.videoCodecByte = -1;
    this.audioFlagsByte = -1;
    this.firstWallMs = Number.NaN;
    this.bucketSecond.fill(Number.NaN);
    this.lastVideoDts = Number.NaN;
    this.lastKeyframeDts = Number.NaN;
    this.framesSinceKeyframe = 0;
    this.gopCount = 0;
    this.gopNext = 0;
  }

  /**
   * The input's media now. Bitrates cover the last {@link MEDIA_STATS_WINDOW_SECONDS} whole seconds plus
   * the current one (null until 1 s of data); frame rates are rounded to 0.01 fps, keyframe intervals to
   * 1 ms and 0.1 frame, bitrates to 1 kbit/s.
   *
   * @param nowMs the same clock as onFrame's wallClockMs.
   */
  snapshot(nowMs: number): InputMediaInfo {
    const nowSecond = Math.floor(nowMs / 1000);
    let videoBytes = 0;
    let audioBytes = 0;
    let steps = 0;
    let stepMs = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const age = nowSecond - this.bucketSecond[i]!;
      if (!(age >= 0 && age < BUCKETS)) continue;
      videoBytes += this.videoBytes[i]!;
      audioBytes += this.audioBytes[i]!;
      steps += this.frameSteps[i]!;
      stepMs += this.frameStepMs[i]!;
    }
    const spanMs = nowMs - Math.max((nowSecond - BUCKETS + 1) * 1000, this.firstWallMs);
    const kbps = (bytes: number): number | null =>
      spanMs >= MIN_BITRATE_SPAN_MS ? Math.round((bytes * 8) / spanMs) : null;
    const measured = stepMs > 0 ? round((steps * 1000) / stepMs, 2) : null;
    let gopMs = 0;
    let gopFrames = 0;
    for (let i = 0; i < this.gopCount; i++) {
      gopMs += this.gopMs[i]!;
      gopFrames += this.gopFrames[i]!;
    }
    const v = this.video;
    return {
      video: v && {
        codec: v.codec,
        profile: v.profile,
        level: v.level,
        width: v.width,
        height: v.height,
        frameRate: v.declaredFrameRate === null ? measured : round(v.declaredFrameRate, 2),
        measuredFrameRate: measured,
        keyframeIntervalMs: this.gopCount > 0 ? Math.round(gopMs / this.gopCount) : null,
        keyframeIntervalFrames: this.gopCount > 0 ? round(gopFrames / this.gopCount, 1) : null,
        bitrateKbps: kbps(videoBytes),
      },
      audio: this.audio && { ...this.audio, bitrateKbps: kbps(audioBytes) },
    };
  }

  /** Index of the bucket of `wallClockMs`'s second, emptied first if it held an older second. */
  private bucket(wallClockMs: number): number {
    if (Number.isNaN(this.firstWallMs)) this.firstWallMs = wallClockMs;
    const second = Math.floor(wallClockMs / 1000);
    const i = ((second % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.bucketSecond[i] !== second) {
      this.bucketSecond[i] = second;
      this.videoBytes[i] = 0;
      this.audioBytes[i] = 0;
      this.frameSteps[i] = 0;
      this.frameStepMs[i] = 0;
    }
    return i;
  }

  private countVideoFrame(tag: FlvTag, bucket: number): void {
    const dts = tag.timestamp;
    const step = dts - this.lastVideoDts; // NaN for the first frame
    this.lastVideoDts = dts;
    if (step > 0 && step <= MAX_FRAME_STEP_MS) {
      this.frameSteps[bucket]! += 1;
      this.frameStepMs[bucket]! += step;
    } else if (step !== 0) {
      this.lastKeyframeDts = Number.NaN; // discontinuity: no GOP spans it
    }
    if (!isVideoKeyframe(tag)) {
      this.framesSinceKeyframe++;
      return;
    }
    const interval = dts - this.lastKeyframeDts;
    if (interval > 0 && interval <= MAX_KEYFRAME_INTERVAL_MS) {
      this.gopMs[this.gopNext] = interval;
      this.gopFrames[this.gopNext] = this.framesSinceKeyframe;
      this.gopNext = (this.gopNext + 1) % KEYFRAME_INTERVALS;
      this.gopCount = Math.min(this.gopCount + 1, KEYFRAME_INTERVALS);
    }
    this.lastKeyframeDts = dts;
    this.framesSinceKeyframe = 1;
  }

  /** A non-AAC format is read from its flags; AAC frames before any header only name the codec. */
  private onAudioFlags(data: Buffer, first: number): void {
    this.audioFlagsByte = first;
    if (first >> 4 === SoundFormat.Aac) {
      if (this.audio?.codec !== 'aac')
        this.audio = { codec: 'aac', profile: null, sampleRate: null, channels: null };
      return;
    }
    try {
      const c = parseFlvAudioHeader(data);
      this.audio = { codec: c.codec, profile: c.profile, sampleRate: c.sampleRate, channels: c.channels };
    } catch {
      this.audio = { codec: 'unknown', profile: null, sampleRate: null, channels: null };
    }
  }
}

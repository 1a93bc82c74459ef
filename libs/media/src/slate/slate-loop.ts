import { FlvTagType } from '../protocols/flv/flv-constants';
import type { FlvTag } from '../protocols/flv/flv-tag';
import type { ProgramFiller } from '../switcher/switcher-types';
import type { SlateClip } from './slate-clip';

/** Samples per AAC-LC frame (ISO/IEC 14496-3 4.5.1.1, frameLengthFlag 0). */
const AAC_FRAME_SAMPLES = 1024;
/** Shortest timer the loop sets (ms): wakes at most this often, sending what is due. */
const MIN_WAKE_MS = 4;
/** A loop more than this late (ms; a blocked event loop) resumes from now instead of sending a burst. */
const MAX_LATE_MS = 250;

/** Time and timers of the slate loop: real ones in production, fake ones in tests. */
export interface SlateScheduler {
  /** A monotonic clock in ms. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** `performance.now()` and `setTimeout`. */
export const realSlateScheduler: SlateScheduler = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Plays a {@link SlateClip} endlessly, in real time, as a {@link ProgramFiller}.
 *
 * Sends the AVC and AAC sequence headers at DTS 0, then video frame n at DTS round(n * 1000 / fps) and
 * AAC frame k at DTS round(k * 1024 * 1000 / sampleRate), n and k counting from the start (not from the
 * clip's start): each track is continuous across loops and the two stay in sync. The clip's frames are
 * taken in turn (video[n mod length], audio[k mod length]); video restarts at its first keyframe.
 *
 * Pacing: a tag is sent when the scheduler's clock reaches its DTS after the start, so there is no burst
 * and no drift; a loop woken more than MAX_LATE_MS late resumes from the current time rather than sending
 * the backlog at once. One tag object per sent tag; nothing else is allocated while playing.
 */
export class SlateLoop implements ProgramFiller {
  private emit: ((tag: FlvTag) => void) | null = null;
  private timer: unknown = null;
  /** Scheduler time of DTS 0 (ms). */
  private origin = 0;
  private videoIndex = 0;
  private audioIndex = 0;
  private readonly videoStepMs: number;
  private readonly audioStepMs: number;

  constructor(
    readonly clip: SlateClip,
    private readonly scheduler: SlateScheduler = realSlateScheduler,
  ) {
    this.videoStepMs = (1000 * clip.params.frameRateDen) / clip.params.frameRateNum;
    this.audioStepMs = (AAC_FRAME_SAMPLES * 1000) / clip.params.sampleRate;
  }

  /** Whether the loop is playing. */
  get playing(): boolean {
    return this.emit !== null;
  }

  /** Video and audio frames sent so far. */
  get sent(): { video: number; audio: number } {
    return { video: this.videoIndex, audio: this.audioIndex };
  }

  start(emit: (tag: FlvTag) => void): void {
    if (this.emit) return;
    this.emit = emit;
    this.origin = this.scheduler.now();
    this.videoIndex = 0;
    this.audioIndex = 0;
    emit({ type: FlvTagType.Video, timestamp: 0, data: this.clip.videoConfig });
    emit({ type: FlvTagType.Audio, timestamp: 0, data: this.clip.audioConfig });
    this.pump();
  }

  stop(): void {
    this.emit = null;
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
  }

  /** Sends every tag whose DTS is due, in DTS order (video first on a tie), then sleeps until the next. */
  private readonly pump = (): void => {
    this.timer = null;
    const emit = this.emit;
    if (!emit) return;
    let elapsed = this.scheduler.now() - this.origin;
    const { video, audio } = this.clip;
    let videoTs = Math.round(this.videoIndex * this.videoStepMs);
    let audioTs = Math.round(this.audioIndex * this.audioStepMs);
    const late = elapsed - Math.min(videoTs, audioTs);
    if (late > MAX_LATE_MS) {
      this.origin += late;
      elapsed -= late;
    }
    while (this.emit === emit) {
      if (videoTs <= audioTs && videoTs <= elapsed) {
        emit({ type: FlvTagType.Video, timestamp: videoTs, data: video[this.videoIndex % video.length]! });
        videoTs = Math.round(++this.videoIndex * this.videoStepMs);
      } else if (audioTs <= elapsed) {
        emit({ type: FlvTagType.Audio, timestamp: audioTs, data: audio[this.audioIndex % audio.length]! });
        audioTs = Math.round(++this.audioIndex * this.audioStepMs);
      } else break;
    }
    if (this.emit !== emit) return; // stopped by a listener while sending
    const wait = Math.min(videoTs, audioTs) - elapsed;
    this.timer = this.scheduler.setTimer(this.pump, Math.max(MIN_WAKE_MS, wait));
  };
}

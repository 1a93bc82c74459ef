import type { PublishSink } from '../ingest/ingest-types';
import { synthetic } from './synthetic-tags';

/** Options of a {@link SyntheticEncoder}. Durations in ms. */
export interface SyntheticEncoderOptions {
  readonly frameMs?: number;
  readonly gopFrames?: number;
  /** Most frames sent per frame interval while catching up after a pause (8: `ffmpeg -re` unloaded). */
  readonly burstFrames?: number;
  /** Audio DTS relative to the video frame it goes with. */
  readonly audioSkewMs?: number;
}

/**
 * A live encoder for unit tests, driven one frame interval at a time by the test's fake clock: it
 * sends one video frame (keyframe every `gopFrames`) and one audio frame per interval. While paused
 * (SIGSTOP) it sends nothing; resumed, it sends the media it owes at up to `burstFrames` frames per
 * interval, timestamps continuing where it stopped, as `ffmpeg -re` does after SIGCONT.
 */
export class SyntheticEncoder {
  paused = false;
  /** Frames of media time the encoder is behind the wall clock (its backlog). */
  owedFrames = 0;
  private sink: PublishSink | null = null;
  private frame = 0;
  private readonly frameMs: number;
  private readonly gopFrames: number;
  private readonly burstFrames: number;
  private readonly audioSkewMs: number;

  /** @param ts DTS (ms) of the next frame. */
  constructor(
    readonly marker: number,
    public ts: number,
    options: SyntheticEncoderOptions = {},
  ) {
    this.frameMs = options.frameMs ?? 33;
    this.gopFrames = options.gopFrames ?? 30;
    this.burstFrames = options.burstFrames ?? 8;
    this.audioSkewMs = options.audioSkewMs ?? -10;
  }

  get connected(): boolean {
    return this.sink !== null;
  }

  /** Publishes to `sink`: sequence headers now, a keyframe first. */
  connect(sink: PublishSink): void {
    this.sink = sink;
    this.frame = 0;
    this.owedFrames = 0;
    sink.onMedia(synthetic.videoConfig(this.marker, this.ts));
    sink.onMedia(synthetic.audioConfig(this.marker, this.ts));
  }

  disconnect(): void {
    this.sink?.onEnd('disconnected');
    this.sink = null;
  }

  /** One frame interval of wall clock went by: returns the number of video frames sent. */
  step(): number {
    if (!this.sink) return 0;
    this.owedFrames++;
    if (this.paused) return 0;
    let sent = 0;
    while (this.owedFrames > 0 && sent < this.burstFrames) {
      const video = this.frame++ % this.gopFrames === 0 ? synthetic.keyframe : synthetic.interframe;
      this.sink.onMedia(video(this.marker, this.ts));
      this.sink.onMedia(synthetic.audio(this.marker, this.ts + this.audioSkewMs));
      this.ts += this.frameMs;
      this.owedFrames--;
      sent++;
    }
    return sent;
  }
}

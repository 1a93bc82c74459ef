/** Wall-clock span (ms) over which an input's lead is measured, in buckets of BUCKET_MS. */
const BUCKETS = 8;
const BUCKET_MS = 125;

/**
 * Lead (ms) of an input's media time over the wall clock, within the measuring window, beyond which it
 * is draining a backlog. Above the jitter of live encoders and of our event loop (`ffmpeg -re` writes
 * in bursts of about 50 ms); well below a resumed encoder's backlog (2–4 s in 0.5–1 s, measured).
 * An arrival gap longer than this restarts the paced run: a gap is what lets a backlog build up.
 */
export const PACING_TOLERANCE_MS = 400;

/** A paced run must last this long (ms) before the input counts as paced: a burst at 2x shows by then. */
export const PACING_PROOF_MS = 500;

/**
 * Whether one input's media arrives in real time: the lead of its media time over the wall clock,
 * measured on video DTS (audio may be interleaved ahead of video by some encoders).
 *
 * lead = (largest `now - dts` over the last ~1 s of frames) - (`now - dts` of the latest frame): how
 * much faster than real time the media advanced recently. A paced encoder stays within its jitter; a
 * resumed encoder (`ffmpeg -re` after SIGSTOP, a hardware encoder after a network stall) sends its
 * backlog at once and its lead grows to seconds; it falls back once the window has passed the burst.
 *
 * The input is paced once its lead has stayed within PACING_TOLERANCE_MS, with no arrival gap, for
 * PACING_PROOF_MS. Constant work and no allocation per frame (a ring of 8 bucket maxima).
 */
export class InputPacing {
  private readonly maxDelay = new Float64Array(BUCKETS).fill(-Infinity);
  private bucket = -1;
  private lastAt = -1;
  private runStart = 0;
  private lead = 0;
  private peakLead = 0;

  /** Forgets everything: a new publishing session started at wall clock `now` (ms). */
  reset(now: number): void {
    this.maxDelay.fill(-Infinity);
    this.bucket = -1;
    this.lastAt = -1;
    this.runStart = now;
    this.lead = 0;
    this.peakLead = 0;
  }

  /**
   * Records a media frame that arrived at wall clock `now` (ms); `videoDts` is its DTS (ms) for a video
   * frame, null for audio (which only counts as an arrival).
   */
  record(videoDts: number | null, now: number): void {
    if (this.lastAt >= 0 && now - this.lastAt > PACING_TOLERANCE_MS) {
      this.maxDelay.fill(-Infinity);
      this.runStart = now;
    }
    this.lastAt = now;
    if (videoDts === null) return;
    const delay = now - videoDts;
    const bucket = Math.max(Math.floor(now / BUCKET_MS), this.bucket);
    for (let b = Math.max(this.bucket + 1, bucket - BUCKETS + 1); b <= bucket; b++) {
      this.maxDelay[b % BUCKETS] = -Infinity;
    }
    this.bucket = bucket;
    const slot = bucket % BUCKETS;
    if (delay > this.maxDelay[slot]!) this.maxDelay[slot] = delay;
    let windowMax = delay;
    for (let i = 0; i < BUCKETS; i++) if (this.maxDelay[i]! > windowMax) windowMax = this.maxDelay[i]!;
    this.lead = windowMax - delay;
    if (this.lead > this.peakLead) this.peakLead = this.lead;
    if (this.lead > PACING_TOLERANCE_MS) this.runStart = now;
  }

  /** Media time (ms) the input's latest frames ran ahead of the wall clock within the window. */
  get leadMs(): number {
    return this.lead;
  }

  /** Whether the input is sending faster than real time now (lead above PACING_TOLERANCE_MS). */
  get draining(): boolean {
    return this.lead > PACING_TOLERANCE_MS;
  }

  /** Largest lead (ms) since {@link reset} or {@link clearPeak}: the backlog the input drained. */
  get peakLeadMs(): number {
    return this.peakLead;
  }

  clearPeak(): void {
    this.peakLead = this.lead;
  }

  /**
   * Wall clock (ms) since which the input has sent its media in real time, once that has lasted at
   * least PACING_PROOF_MS with no arrival gap and the last frame is recent; else null.
   */
  pacedSince(now: number): number | null {
    if (this.lastAt < 0 || this.draining || now - this.lastAt > PACING_TOLERANCE_MS) return null;
    return now - this.runStart >= PACING_PROOF_MS ? this.runStart : null;
  }
}

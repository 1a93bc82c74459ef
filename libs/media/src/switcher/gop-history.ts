import type { FlvTag } from '../protocols/flv/flv-tag';

/**
 * Default bounds of one input's history: 12 s at 12 Mbit/s fits; past either bound the oldest GOPs
 * go, and a single GOP that alone exceeds them is dropped (the history waits for the next keyframe).
 */
export const DEFAULT_GOP_HISTORY_LIMITS = { maxBytes: 24 * 1024 * 1024, maxTags: 8192 } as const;

/** Default wall-clock span (ms) a history covers before its oldest GOP may go (see {@link GopHistory}). */
export const DEFAULT_GOP_HISTORY_SPAN_MS = 2000;

/** Where a replay from the history starts, and what it covers. Times in ms. */
export interface ReplayStart {
  /** Index of the keyframe (0 = oldest kept). */
  readonly keyframe: number;
  /** Wall clock when that keyframe arrived. */
  readonly arrivedAt: number;
}

/**
 * The recent GOPs of one input, in arrival order, each starting at a video keyframe whose arrival
 * wall time is recorded: what a switch replays from. A loss-driven switch starts at an older keyframe
 * when the program has to cover the time the lost input was silent ({@link startCovering}).
 *
 * Bounded three ways, so no count an outsider controls grows memory: by wall-clock span (a GOP goes
 * once the keyframe after it arrived more than `spanMs` ago, so at most `spanMs` plus two GOPs are
 * kept), by bytes and by tags (the oldest GOPs go; a lone GOP past either bound empties the history).
 * No allocation per tag beyond the array slots; the front is cut once per GOP.
 */
export class GopHistory<T extends FlvTag = FlvTag> {
  private tags: T[] = [];
  private bytes = 0;
  /** Per kept keyframe: its index in `tags`, its arrival wall time (ms) and its DTS (ms). */
  private keyIndex: number[] = [];
  private keyAt: number[] = [];
  private keyTs: number[] = [];
  private spanMs = DEFAULT_GOP_HISTORY_SPAN_MS;

  constructor(private readonly limits: { maxBytes: number; maxTags: number } = DEFAULT_GOP_HISTORY_LIMITS) {}

  /** Sets the wall-clock span (ms, ≥ 0) the history keeps: the stall timeout plus some headroom. */
  setSpan(spanMs: number): void {
    this.spanMs = Math.max(0, spanMs);
  }

  /** Records a media tag that arrived at wall clock `now` (ms); `keyframe` starts a GOP. */
  record(tag: T, keyframe: boolean, now: number): void {
    if (keyframe) {
      this.keyIndex.push(this.tags.length);
      this.keyAt.push(now);
      this.keyTs.push(tag.timestamp);
      this.dropOlderThan(now - this.spanMs);
    } else if (this.keyIndex.length === 0) {
      return;
    }
    this.tags.push(tag);
    this.bytes += tag.data.length;
    while (this.tags.length > this.limits.maxTags || this.bytes > this.limits.maxBytes) {
      if (this.keyIndex.length > 1) this.dropOldestGop();
      else {
        this.clear();
        return;
      }
    }
  }

  clear(): void {
    this.tags = [];
    this.bytes = 0;
    this.keyIndex = [];
    this.keyAt = [];
    this.keyTs = [];
  }

  /** Whether a keyframe is kept (a switch can start from the history). */
  get hasKeyframe(): boolean {
    return this.keyIndex.length > 0;
  }

  get byteLength(): number {
    return this.bytes;
  }

  get tagCount(): number {
    return this.tags.length;
  }

  get keyframeCount(): number {
    return this.keyIndex.length;
  }

  /** The newest keyframe: where a switch that covers nothing starts. Call only when {@link hasKeyframe}. */
  newest(): ReplayStart {
    const k = this.keyIndex.length - 1;
    return { keyframe: k, arrivedAt: this.keyAt[k]! };
  }

  /**
   * The newest keyframe that arrived no later than `coverFrom` (wall clock, ms), so a replay from it
   * covers the program from then on; the oldest kept one when none is that old. Call only when
   * {@link hasKeyframe}.
   */
  startCovering(coverFrom: number): ReplayStart {
    let k = this.keyIndex.length - 1;
    while (k > 0 && this.keyAt[k]! > coverFrom) k--;
    return { keyframe: k, arrivedAt: this.keyAt[k]! };
  }

  /** The tags from `start`'s keyframe to the newest, first a keyframe (a new array; do not mutate tags). */
  replay(start: ReplayStart): T[] {
    return this.tags.slice(this.keyIndex[start.keyframe]);
  }

  /** Media span (ms) of a replay from `start`: newest tag's DTS minus the keyframe's DTS. */
  replaySpanMs(start: ReplayStart): number {
    const first = this.tags[this.keyIndex[start.keyframe]!];
    const last = this.tags[this.tags.length - 1];
    return first && last ? Math.max(0, last.timestamp - first.timestamp) : 0;
  }

  /**
   * Wall clock (ms) the next keyframe is expected at, for an input sending in real time: `now` plus the
   * media time from the newest tag to the last keyframe's DTS plus the last keyframe interval (in DTS,
   * so a burst of arrivals does not distort it); null before two keyframes.
   */
  nextKeyframeExpectedAt(now: number): number | null {
    const n = this.keyTs.length;
    const last = this.tags[this.tags.length - 1];
    if (n < 2 || !last) return null;
    return now + 2 * this.keyTs[n - 1]! - this.keyTs[n - 2]! - last.timestamp;
  }

  /** Drops the oldest GOPs while the keyframe after them arrived no later than `cutoff` (ms). */
  private dropOlderThan(cutoff: number): void {
    while (this.keyIndex.length > 1 && this.keyAt[1]! <= cutoff) this.dropOldestGop();
  }

  private dropOldestGop(): void {
    const cut = this.keyIndex[1]!;
    for (let i = 0; i < cut; i++) this.bytes -= this.tags[i]!.data.length;
    this.tags.splice(0, cut);
    this.keyIndex.shift();
    this.keyAt.shift();
    this.keyTs.shift();
    for (let i = 0; i < this.keyIndex.length; i++) this.keyIndex[i] = this.keyIndex[i]! - cut;
  }
}

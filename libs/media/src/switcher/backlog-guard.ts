import { PACING_TOLERANCE_MS } from './input-pacing';

/**
 * A skip that stays this long (ms) waiting for an input that never stops draining ends at its next
 * keyframe anyway, so a broken encoder that keeps sending faster than real time still gets on air
 * (trimmed again whenever it runs maxDriftMs ahead).
 */
const MAX_SKIP_MS = 5000;

/** What one skip to the live edge did, for the timeline. Times are wall clock ms; durations ms. */
export interface BacklogSkip {
  /** When the on-air input's media first ran more than maxDriftMs ahead (its tags dropped from then). */
  readonly since: number;
  /** How far that tag would have put the program ahead of the wall clock. */
  readonly aheadMs: number;
  /** Media tags of the input dropped, and the span of input time they covered. */
  readonly droppedTags: number;
  readonly skippedMs: number;
}

/**
 * Keeps a backlog of the on-air input off the air: when a resumed encoder sends its frozen seconds at
 * once, the program would run ahead of the wall clock by as much, and the platforms' players keep that
 * extra delay. Rule: an on-air media tag that would put the program more than `maxDriftMs` ahead is
 * dropped, and so is the input's media after it, until a keyframe at its live edge: the input no
 * longer sends faster than real time (see InputPacing), and resuming there leaves the program at most
 * `maxDriftMs / 2` ahead (the wall clock catches up while nothing is sent). The switcher re-places that
 * keyframe on the program timeline (continuous, monotonic timestamps; audio and video together).
 *
 * No allocation per tag; one small object per skip.
 */
export class BacklogGuard {
  private since: number | null = null;
  private aheadMs = 0;
  private droppedTags = 0;
  private firstDroppedTs = 0;

  /** @param maxDriftMs most the program may run ahead of the wall clock (ms); see {@link setMaxDriftMs}. */
  constructor(private maxDriftMs: number) {}

  /** A new bound (ms), checked from the next tag on; a skip in progress keeps going to the live edge. */
  setMaxDriftMs(maxDriftMs: number): void {
    this.maxDriftMs = maxDriftMs;
  }

  /** Headroom (ms) a switch leaves below maxDriftMs, so an encoder's jitter does not trip the guard. */
  get switchHeadroomMs(): number {
    return Math.min(PACING_TOLERANCE_MS, this.maxDriftMs / 2);
  }

  /** Whether the on-air input's media is being dropped until its live edge. */
  get skipping(): boolean {
    return this.since !== null;
  }

  /**
   * Checks one on-air media tag that would put the program `aheadMs` ahead of the wall clock at `now`;
   * returns true (and starts a skip) when it must be dropped.
   */
  exceeds(aheadMs: number, now: number): boolean {
    if (aheadMs <= this.maxDriftMs) return false;
    this.since = now;
    this.aheadMs = aheadMs;
    this.droppedTags = 0;
    return true;
  }

  /**
   * While skipping: whether a keyframe may end the skip, given whether its input is still draining a
   * backlog and how far ahead (ms) the program would be if the keyframe were placed now.
   */
  canResume(draining: boolean, aheadAtPlacementMs: number, now: number): boolean {
    if (this.since === null) return true;
    if (aheadAtPlacementMs > this.maxDriftMs / 2) return false;
    return !draining || now - this.since >= MAX_SKIP_MS;
  }

  /** Counts one dropped media tag of input DTS `timestamp` (ms). */
  drop(timestamp: number): void {
    if (this.droppedTags === 0) this.firstDroppedTs = timestamp;
    this.droppedTags++;
  }

  /** Ends the skip at a live-edge tag of input DTS `resumeTs` (ms); returns what it did. */
  end(resumeTs: number): BacklogSkip {
    const skip: BacklogSkip = {
      since: this.since ?? 0,
      aheadMs: Math.round(this.aheadMs),
      droppedTags: this.droppedTags,
      skippedMs: this.droppedTags > 0 ? Math.max(0, resumeTs - this.firstDroppedTs) : 0,
    };
    this.reset();
    return skip;
  }

  /** Forgets a skip in progress (the program switched or lost its input). */
  reset(): void {
    this.since = null;
  }
}

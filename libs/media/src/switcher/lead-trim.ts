/**
 * Lead (ms) the program keeps over the wall clock after a trim: above the jitter of live encoders
 * (`ffmpeg -re` writes in bursts of about 50 ms), so a destination's buffer never runs dry.
 */
export const TRIM_TARGET_LEAD_MS = 100;

/** A trim shorter than this (ms, about 1.5 frames at 30 fps) is not worth a cut in the content. */
const MIN_TRIM_MS = 50;

/**
 * Gives the program's lead back before a planned switch (failback), so repeated cached-keyframe
 * failovers cannot push the program further and further ahead of the wall clock.
 *
 * Why: a failover from the GOP cache replays up to one GOP as a burst; the program is then that much
 * ahead, which only grows the destinations' buffers, and only time with nothing sent takes it back.
 * The cheapest such time is just before a planned switch: the on-air input is about to end anyway.
 * Rule: while a planned switch to the other input is pending and the program is `aheadMs` ahead, once
 * that input's next keyframe is expected within `aheadMs - TRIM_TARGET_LEAD_MS`, the on-air input's
 * media is dropped (audio and video, from a video frame on) until that keyframe commits the switch.
 * The destinations play the gap from the lead they hold; the content skips what the failover repeated.
 * When the switch was decided too late for that (the keyframe is due sooner than the lead to give back),
 * the switch is deferred once, to the input's following keyframe, and trimmed before it ({@link defers}).
 * If the expected keyframe is late, the on-air input's own next keyframe ends the trim (the switcher
 * places it on the timeline like a switch): a trim never lasts more than one GOP of the on-air input.
 *
 * No allocation; a few comparisons per on-air video tag while a planned switch is pending.
 */
export class LeadTrim {
  private since: number | null = null;
  private tags = 0;
  private deferred = false;

  /** Whether the on-air input's media is being dropped. */
  get dropping(): boolean {
    return this.since !== null;
  }

  /** Media tags dropped by the trim in progress (or the last one, until the next begins). */
  get droppedTags(): number {
    return this.tags;
  }

  /**
   * Whether to start dropping at an on-air video tag at wall clock `now` (ms): the program is `aheadMs`
   * ahead and the pending input's next keyframe is expected at `keyframeAt` (ms, null when unknown).
   * Returns true (and counts that tag as dropped) when the trim begins.
   */
  begins(aheadMs: number, keyframeAt: number | null, now: number): boolean {
    if (keyframeAt === null) return false;
    const waitMs = keyframeAt - now;
    const budgetMs = aheadMs - TRIM_TARGET_LEAD_MS;
    if (waitMs <= 0 || budgetMs < MIN_TRIM_MS || waitMs > budgetMs) return false;
    if (!this.deferred && budgetMs - waitMs >= MIN_TRIM_MS) return false; // more to trim before the next one
    this.since = now;
    this.tags = 1;
    return true;
  }

  /**
   * At the pending input's keyframe, program `aheadMs` ahead: whether to let that keyframe pass and
   * switch at the next one, trimming before it. True at most once until {@link reset}.
   */
  defers(aheadMs: number): boolean {
    if (this.deferred || this.since !== null || aheadMs - TRIM_TARGET_LEAD_MS < MIN_TRIM_MS) return false;
    this.deferred = true;
    return true;
  }

  /** Counts one more dropped tag of the trim in progress. */
  drop(): void {
    this.tags++;
  }

  /** Ends the trim (a keyframe went on air); returns how long it lasted (ms). */
  end(now: number): number {
    const lasted = this.since === null ? 0 : now - this.since;
    this.since = null;
    return lasted;
  }

  /** Forgets a trim in progress or a deferral (the program switched or lost its input). */
  reset(): void {
    this.since = null;
    this.deferred = false;
  }
}

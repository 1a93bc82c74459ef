/**
 * How a destination's leg is supervised (issue 4, item 1). Durations in ms.
 * Restarts back off exponentially with jitter up to `maxBackoffMs`; `giveUpAfterFailures` failures
 * within `giveUpWindowMs` make the supervisor give up (state `failed`) until a retry by hand.
 */
export interface LegPolicy {
  /** Cap of the restart delay, ms. */
  readonly maxBackoffMs: number;
  /** Failures within the window that make the supervisor give up; 0: never give up. */
  readonly giveUpAfterFailures: number;
  /** Sliding window the failures are counted in, ms. */
  readonly giveUpWindowMs: number;
}

/** The policy of an event that sets none: cap 30 s, give up after 10 failures within 10 minutes. */
export const DEFAULT_LEG_POLICY: LegPolicy = {
  maxBackoffMs: 30_000,
  giveUpAfterFailures: 10,
  giveUpWindowMs: 600_000,
};

/**
 * The failure times of one destination's leg within the give-up window of its policy. A leg that was
 * live for a while before failing has worked: callers {@link clear} the window then, as on a retry by hand.
 */
export class LegFailureWindow {
  private times: number[] = [];

  /**
   * Records a failure at `now` (ms since epoch) and returns how many failures fall within the policy's
   * window, this one included.
   */
  record(now: number, policy: LegPolicy): number {
    this.times.push(now);
    this.times = this.times.filter((t) => now - t < policy.giveUpWindowMs);
    return this.times.length;
  }

  /** Whether `failures` (from {@link record}) is where the policy gives up. */
  static givesUp(failures: number, policy: LegPolicy): boolean {
    return policy.giveUpAfterFailures > 0 && failures >= policy.giveUpAfterFailures;
  }

  clear(): void {
    this.times = [];
  }
}

/** Flap damping settings (REST API `failover.flapDamping`). Durations in ms. */
export interface FlapDampingSettings {
  /** Failovers within `windowMs` that turn damping on. */
  readonly maxFailovers: number;
  readonly windowMs: number;
  /** Damping ends once both inputs have been free of losses this long. */
  readonly stableMs: number;
}

/** Most failover times kept; maxFailovers is bounded by the API to this. */
export const MAX_TRACKED_FAILOVERS = 20;

/**
 * Decides when an input that keeps failing and recovering should no longer pull the program back and
 * forth: after `maxFailovers` failovers within `windowMs`, planned switches (failback) wait until both
 * inputs have had no loss for `stableMs`. Loss-driven failovers still happen: the program never stays
 * on a dead input.
 */
export class FlapDamper {
  private readonly failovers: number[] = [];
  private damping = false;

  constructor(private settings: FlapDampingSettings) {}

  update(settings: FlapDampingSettings): void {
    this.settings = settings;
  }

  get active(): boolean {
    return this.damping;
  }

  /** Records a loss-driven switch at `now`; returns true when this turns damping on. */
  recordFailover(now: number): boolean {
    this.failovers.push(now);
    if (this.failovers.length > MAX_TRACKED_FAILOVERS) this.failovers.shift();
    const recent = this.failovers.filter((t) => now - t <= this.settings.windowMs).length;
    if (!this.damping && this.settings.maxFailovers > 0 && recent >= this.settings.maxFailovers) {
      this.damping = true;
      return true;
    }
    return false;
  }

  /** Why damping turned on at a failover whose reason was `lastReason`, in plain words. */
  onReason(lastReason: string): string {
    const { maxFailovers, windowMs } = this.settings;
    return `${maxFailovers} failovers within ${windowMs} ms (last: ${lastReason})`;
  }

  /** Why damping ended, in plain words. */
  get offReason(): string {
    return `both inputs stable for ${this.settings.stableMs} ms`;
  }

  /** Failovers in the window ending at `now` (for decision signals). */
  recentFailovers(now: number): number {
    return this.failovers.filter((t) => now - t <= this.settings.windowMs).length;
  }

  /**
   * Ends damping when neither input lost its media for `stableMs`; returns true when this call ended it.
   * @param lastLossAt wall clock (ms) of the most recent loss of either input, or null for none
   */
  releaseIfStable(now: number, lastLossAt: number | null): boolean {
    if (!this.damping) return false;
    if (lastLossAt !== null && now - lastLossAt < this.settings.stableMs) return false;
    this.damping = false;
    return true;
  }
}

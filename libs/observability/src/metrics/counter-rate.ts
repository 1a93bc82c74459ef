/**
 * The rate of a cumulative counter (e.g. bytes written by a leg) from periodic samples, over a sliding
 * window: what a gauge like "bitrate now" shows without per-packet work. Samples are taken by a timer
 * (not per scrape), so several scrapers see the same value.
 */
export class CounterRate {
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  /** @param windowMs span of samples kept (ms); the rate is measured over up to this long. */
  constructor(private readonly windowMs: number) {}

  /**
   * Records the counter's current `value` at `nowMs` (ms). A value lower than the last one (the counter
   * restarted) starts the window again.
   */
  sample(value: number, nowMs: number): void {
    const last = this.values[this.values.length - 1];
    if (last !== undefined && value < last) {
      this.times.length = 0;
      this.values.length = 0;
    }
    this.times.push(nowMs);
    this.values.push(value);
    while (this.times.length > 2 && nowMs - (this.times[1] ?? nowMs) >= this.windowMs) {
      this.times.shift();
      this.values.shift();
    }
  }

  /** Increase per second between the oldest and newest sample in the window; 0 with fewer than two. */
  perSecond(): number {
    const n = this.times.length;
    if (n < 2) return 0;
    const dt = (this.times[n - 1]! - this.times[0]!) / 1000;
    return dt > 0 ? (this.values[n - 1]! - this.values[0]!) / dt : 0;
  }
}

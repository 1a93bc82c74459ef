/** Refusals (unknown stream keys) from one address answered without delay. */
const FREE_REFUSALS = 3;
/** Delay after the first refusal beyond {@link FREE_REFUSALS}, doubled with each further one (ms). */
const BASE_DELAY_MS = 500;
/** Longest delay (ms); below the default 10 s publish timeout so a slowed publish still gets an answer. */
const MAX_DELAY_MS = 8_000;
/** An address's refusals are forgotten this long after its last one (ms). */
const FORGET_AFTER_MS = 10 * 60_000;
/** Addresses tracked at most (oldest refusal first out). */
const MAX_ADDRESSES = 10_000;

/**
 * Slows stream-key guessing from one address: after {@link FREE_REFUSALS} publishes refused for an
 * unknown key, every publish from that address (right key or not, so the answer's speed tells nothing)
 * waits 500 ms × 2^(refusals − 3), at most 8 s, before its key is checked, and only one such publish
 * per address waits at a time (others are refused at once). Tracks addresses, never keys. Only unknown
 * keys count: a right key refused for a reason the authorizer names (a PublishRefusal, e.g.
 * `plan_has_no_backup_ingest`) is no guess, and an encoder retrying it must not slow its address down.
 */
export class PublishRefusalThrottle {
  private readonly refusals = new Map<string, { count: number; lastAt: number }>();
  private readonly waiting = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long a publish from `address` must wait before its key is checked (ms; 0: none). */
  delayFor(address: string): number {
    const entry = this.refusals.get(address);
    if (!entry) return 0;
    if (this.now() - entry.lastAt > FORGET_AFTER_MS) {
      this.refusals.delete(address);
      return 0;
    }
    const over = entry.count - FREE_REFUSALS;
    return over < 0 ? 0 : Math.min(BASE_DELAY_MS * 2 ** over, MAX_DELAY_MS);
  }

  /** Marks a delayed publish of `address` as waiting; false if one already waits (refuse this one). */
  beginWait(address: string): boolean {
    if (this.waiting.has(address)) return false;
    this.waiting.add(address);
    return true;
  }

  endWait(address: string): void {
    this.waiting.delete(address);
  }

  /**
   * Records a publish refused for an unknown key (never call it for a PublishRefusal); returns the
   * refusals counted for `address`.
   */
  refused(address: string): number {
    const now = this.now();
    const previous = this.refusals.get(address);
    const count = previous && now - previous.lastAt <= FORGET_AFTER_MS ? previous.count + 1 : 1;
    this.refusals.delete(address);
    this.refusals.set(address, { count, lastAt: now });
    if (this.refusals.size > MAX_ADDRESSES) {
      const oldest = this.refusals.keys().next().value;
      if (oldest !== undefined) this.refusals.delete(oldest);
    }
    return count;
  }
}

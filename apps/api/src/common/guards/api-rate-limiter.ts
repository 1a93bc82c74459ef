import { ApiError, ApiErrorCode } from '../errors/api-error';

/** A request over its API key's rate limit: 429 `rate_limited` with `Retry-After` (RFC 6585, 4). */
export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(ApiErrorCode.RateLimited, `Too many requests for this API key; retry in ${retryAfterSeconds} s`);
  }
}

/** Keys tracked at most; the oldest window goes first (bounds memory under many keys). */
const MAX_TRACKED_KEYS = 50_000;

/**
 * Fixed-window request counter per API key id, in this process's memory: each API process counts on
 * its own (N processes behind a load balancer allow up to N × `max` per window). See README "Rate limits".
 */
export class ApiRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `keyId`; @throws RateLimitedError when the key is over its limit. */
  take(keyId: string): void {
    const now = this.now();
    let window = this.windows.get(keyId);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(keyId);
      window = { startedAt: now, count: 0 };
      this.windows.set(keyId, window);
      if (this.windows.size > MAX_TRACKED_KEYS) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
    }
    window.count += 1;
    if (window.count > this.max)
      throw new RateLimitedError(Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000)));
  }
}

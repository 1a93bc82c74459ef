import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiRateLimiter, RateLimitedError } from './api-rate-limiter';

describe('ApiRateLimiter', () => {
  it('refuses the request after the limit with the seconds until the window ends', () => {
    let now = 0;
    const limiter = new ApiRateLimiter(2, 60_000, () => now);
    limiter.take('k1');
    limiter.take('k1');
    now = 15_500;
    assert.throws(
      () => limiter.take('k1'),
      (e) => e instanceof RateLimitedError && e.retryAfterSeconds === 45,
    );
    limiter.take('k2');
    now = 60_000;
    limiter.take('k1');
  });
});

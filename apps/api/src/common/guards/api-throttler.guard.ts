import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ApiError, ApiErrorCode } from '../errors/api-error';
import type { AuthenticatedRequest } from './api-key.guard';

/** A request over its API key's rate limit: 429 `rate_limited` with `Retry-After` (RFC 6585, 4). */
export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(ApiErrorCode.RateLimited, `Too many requests for this API key; retry in ${retryAfterSeconds} s`);
  }
}

/**
 * @nestjs/throttler's guard counting per API key id, over every route together (one budget per key,
 * not per route). Runs inside {@link ApiKeyGuard} once the key is known; never on its own.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return Promise.resolve((req as unknown as AuthenticatedRequest).apiKeyId);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `relay:api-rate:${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(new RateLimitedError(Math.max(1, detail.timeToBlockExpire)));
  }
}

import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RedisAvailability } from '@relay/queue';
import type { Observable } from 'rxjs';
import { REQUIRES_JOB_QUEUE } from '../decorators/requires-job-queue.decorator';
import { ApiError, ApiErrorCode } from '../errors/api-error';

/** What a caller is told when an action needs the job queue and Redis is away. */
export const JOB_QUEUE_AWAY_MESSAGE =
  'The job queue (Redis) is unavailable, and this action needs it to reach the relay: nothing was changed. ' +
  'Reads keep working and events on air keep streaming; retry in a few seconds.';

/**
 * Answers 503 `service_unavailable` for routes marked {@link RequiresJobQueue} while Redis is away, before
 * their handler runs. Runs after the guards, so an unauthenticated caller still gets 401.
 */
@Injectable()
export class JobQueueInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly redis: RedisAvailability,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const required = this.reflector.getAllAndOverride<boolean | undefined>(REQUIRES_JOB_QUEUE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !this.redis.available) {
      throw new ApiError(ApiErrorCode.ServiceUnavailable, JOB_QUEUE_AWAY_MESSAGE);
    }
    return next.handle();
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DatabaseError } from '@relay/prisma';
import { QueueUnavailableError } from '@relay/queue';
import type { Response } from 'express';
import { RateLimitedError } from '../guards/api-throttler.guard';
import { API_ERROR_STATUS, ApiError, ApiErrorCode, type ApiErrorBody } from '../errors/api-error';

/** Seconds a client is asked to wait (`Retry-After`) when a dependency is away (RFC 9110, 10.2.3). */
const RETRY_AFTER_SECONDS = 5;

/**
 * Maps every error to the single JSON error shape; unknown errors become 500 without internals. A database
 * or job queue that is away becomes 503 `service_unavailable` naming it, with `Retry-After`.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.toApiError(exception);
    const body: ApiErrorBody = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
    if (error.code === ApiErrorCode.ServiceUnavailable)
      response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    if (error instanceof RateLimitedError) response.setHeader('Retry-After', error.retryAfterSeconds);
    response.status(API_ERROR_STATUS[error.code]).json(body);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof DatabaseError && exception.kind === 'unavailable') {
      return new ApiError(
        ApiErrorCode.ServiceUnavailable,
        'The database (PostgreSQL) is unavailable; retry in a few seconds',
      );
    }
    if (exception instanceof QueueUnavailableError) {
      this.logger.warn(`Job queue unavailable: ${exception.message}`);
      return new ApiError(
        ApiErrorCode.ServiceUnavailable,
        'The job queue (Redis) is unavailable, so the relay could not be told; retry in a few seconds',
      );
    }
    if (exception instanceof HttpException) {
      const status: number = exception.getStatus();
      const code = (Object.keys(API_ERROR_STATUS) as ApiErrorCode[]).find(
        (c) => Number(API_ERROR_STATUS[c]) === status,
      );
      if (status === 404) return new ApiError(ApiErrorCode.NotFound, 'Route not found');
      if (status === 400)
        return new ApiError(ApiErrorCode.ValidationFailed, 'Request body is not valid JSON');
      if (code) return new ApiError(code, exception.message);
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return new ApiError(ApiErrorCode.Internal, 'Internal error');
  }
}

import { HttpStatus } from '@nestjs/common';

/** Stable machine-readable error codes of the API, each with its HTTP status. */
export const ApiErrorCode = {
  Unauthorized: 'unauthorized',
  /** The organization's plan does not allow it (details name the limit); a higher plan lifts it. */
  PlanLimitReached: 'plan_limit_reached',
  ValidationFailed: 'validation_failed',
  NotFound: 'not_found',
  Conflict: 'conflict',
  ServiceUnavailable: 'service_unavailable',
  /** Over the API key's rate limit; `Retry-After` says when to retry. */
  RateLimited: 'rate_limited',
  Internal: 'internal_error',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export const API_ERROR_STATUS: Record<ApiErrorCode, HttpStatus> = {
  unauthorized: HttpStatus.UNAUTHORIZED,
  plan_limit_reached: HttpStatus.PAYMENT_REQUIRED,
  validation_failed: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  service_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  internal_error: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** One invalid field: its path (e.g. "failover.stallTimeoutMs") and the rule it broke. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/** The one JSON error shape every route answers with: `{ "error": { code, message, details? } }`. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: FieldError[] };
}

/** Thrown by services and guards; the global filter turns it into {@link ApiErrorBody}. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
  }

  static notFound(what: string): ApiError {
    return new ApiError(ApiErrorCode.NotFound, `${what} not found`);
  }
}

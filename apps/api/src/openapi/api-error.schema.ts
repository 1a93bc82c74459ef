import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ApiErrorCode } from '../common/errors/api-error';

/** One invalid field of a 400 `validation_failed` answer (see FieldError in common/errors). */
export class FieldErrorSchema {
  @ApiProperty({ example: 'failover.stallTimeoutMs', description: 'Path of the invalid field' })
  field!: string;

  @ApiProperty({ example: 'max', description: 'The rule it broke' })
  rule!: string;

  @ApiProperty({ example: 'stallTimeoutMs must not be greater than 10000' })
  message!: string;
}

export class ApiErrorDetailSchema {
  @ApiProperty({ enum: Object.values(ApiErrorCode), example: ApiErrorCode.ValidationFailed })
  code!: string;

  @ApiProperty({ example: 'Request body is invalid' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'Present on validation_failed' })
  details?: FieldErrorSchema[];
}

/** The one JSON error shape every route answers with (ApiErrorBody of common/errors). */
export class ApiErrorSchema {
  @ApiProperty({ type: ApiErrorDetailSchema })
  error!: ApiErrorDetailSchema;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed: the body, a parameter or the query is invalid; details name each field',
  401: 'unauthorized: missing or invalid API key',
  402: "plan_limit_reached: the organization's plan does not allow it",
  404: 'not_found: no such resource in this organization',
  409: 'conflict: not allowed in the current state',
  429: 'rate_limited: over the API key rate limit; Retry-After says when to retry',
  503: 'service_unavailable: the database or job queue is away; Retry-After says when to retry',
};

/** Documents the given error statuses, each answering {@link ApiErrorSchema}. */
export function ApiErrors(
  ...statuses: Array<400 | 401 | 402 | 404 | 409 | 429 | 503>
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ApiErrorSchema }),
    ),
  );
}

/** Errors of every route behind the API key guard. */
export const AUTH_ERRORS = [401, 429] as const;

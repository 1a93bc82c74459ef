import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError, ApiErrorCode, type FieldError } from '../errors/api-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule,
      message:
        rule === 'whitelistValidation' ? `${field} is not a known field` : message.replace(e.property, field),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates request bodies against their DTO classes; unknown fields are refused. A failure is a 400
 * whose message names each field and rule, e.g. "failover.stallTimeoutMs must not be less than 200".
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new ApiError(ApiErrorCode.ValidationFailed, details.map((d) => d.message).join('; '), details);
    },
  });
}

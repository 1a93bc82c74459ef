import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../guards/api-key.guard';

/** The id of the organization whose API key authenticated the request (see ApiKeyGuard). */
export const OrganizationId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().organizationId,
);

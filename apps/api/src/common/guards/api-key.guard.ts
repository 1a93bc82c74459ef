import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeysRepository } from '../../modules/api-keys/api-keys.repository';
import { ApiError, ApiErrorCode } from '../errors/api-error';
import { ApiThrottlerGuard } from './api-throttler.guard';

/** Longest Authorization header value considered (bytes); longer ones are refused unread. */
const MAX_AUTHORIZATION_LENGTH = 512;
/** lastUsedAt is written at most this often per key (ms). */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** A request that passed {@link ApiKeyGuard}. */
export interface AuthenticatedRequest extends Request {
  organizationId: string;
  apiKeyId: string;
}

/**
 * Requires `Authorization: Bearer <api key>`, attaches the key's organization to the request, then counts
 * the request against the key's rate limit through {@link ApiThrottlerGuard} (429 `rate_limited` with
 * `Retry-After` over it; counted in Redis, shared by every API process).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly lastWrites = new Map<string, number>();

  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly throttler: ApiThrottlerGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = header.length <= MAX_AUTHORIZATION_LENGTH ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const found = match ? await this.apiKeys.findBySecret(match[1]!) : null;
    if (!found) {
      throw new ApiError(
        ApiErrorCode.Unauthorized,
        'Missing or invalid API key: send Authorization: Bearer <api key>',
      );
    }
    request.organizationId = found.organizationId;
    request.apiKeyId = found.keyId;
    await this.throttler.canActivate(context);
    const now = Date.now();
    if (now - (this.lastWrites.get(found.keyId) ?? 0) > LAST_USED_WRITE_INTERVAL_MS) {
      this.lastWrites.set(found.keyId, now);
      void this.apiKeys.touchLastUsed(found.keyId, new Date(now));
    }
    return true;
  }
}

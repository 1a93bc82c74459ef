import { createHash, randomBytes } from 'node:crypto';

/** Prefix of API keys issued by the service, so leaked keys are recognisable by secret scanners. */
export const API_KEY_PREFIX = 'rrk_';

/** SHA-256 hex of an API key: the only form stored. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new API key secret: prefix + 32 random bytes, base64url. */
export function generateApiKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The displayable start of a key (never enough to use it). */
export function apiKeyDisplayPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX.length + 4);
}

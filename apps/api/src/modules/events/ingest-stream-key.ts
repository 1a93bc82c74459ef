import { randomBytes } from 'node:crypto';

/** A new ingest stream key: 24 random bytes (192 bits), base64url, prefixed by the role for humans. */
export function generateIngestStreamKey(role: 'primary' | 'backup'): string {
  return `${role === 'primary' ? 'p' : 'b'}_${randomBytes(24).toString('base64url')}`;
}

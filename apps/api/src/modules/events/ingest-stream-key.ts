import { randomBytes } from 'node:crypto';
import type { InputRole } from '@relay/contracts';

/** A new ingest stream key: 32 random bytes (256 bits), base64url, prefixed by the role for humans. */
export function generateIngestStreamKey(role: InputRole): string {
  return `${role === 'primary' ? 'p' : 'b'}_${randomBytes(32).toString('base64url')}`;
}

/** How an ingest stream key is stored: its keyed hash (look-up) and its last 4 characters (display). */
export interface StoredIngestKey {
  streamKeyHash: string;
  streamKeyHint: string;
}

/** The masked form of a stored key: 8 "*" and its last 4 characters. */
export function maskedIngestKey(hint: string | null): string {
  return `********${hint ?? ''}`;
}

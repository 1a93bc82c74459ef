import { createHash } from 'node:crypto';
import type { InputRole } from '@relay/contracts';
import type { SwitcherSettings } from '@relay/media';

/** What an accepted stream key resolved to. */
export interface CachedIngest {
  readonly eventId: string;
  readonly role: InputRole;
  readonly settings: SwitcherSettings;
}

/**
 * Stream keys this relay has accepted, so an encoder that reconnects while PostgreSQL is away is let
 * back in. Keys are held as SHA-256 digests only (never in clear), at most `maxEntries` (oldest use goes
 * first), each for `ttlMs` after its last acceptance. A key the database says is unknown is forgotten.
 */
export class StreamKeyCache {
  private readonly entries = new Map<string, { ingest: CachedIngest; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 2_000,
    private readonly ttlMs = 12 * 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Remembers that `streamKey` was accepted for `ingest` (refreshes its expiry). */
  remember(streamKey: string, ingest: CachedIngest): void {
    const digest = digestOf(streamKey);
    this.entries.delete(digest);
    this.entries.set(digest, { ingest, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** What `streamKey` was accepted for, if it was, recently enough. */
  lookup(streamKey: string): CachedIngest | null {
    const digest = digestOf(streamKey);
    const entry = this.entries.get(digest);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(digest);
      return null;
    }
    return entry.ingest;
  }

  forget(streamKey: string): void {
    this.entries.delete(digestOf(streamKey));
  }

  /** Forgets the key of one of an event's ingests (it was rotated). */
  forgetIngest(eventId: string, role: InputRole): void {
    for (const [digest, entry] of this.entries)
      if (entry.ingest.eventId === eventId && entry.ingest.role === role) this.entries.delete(digest);
  }

  /** Forgets every key of an event (it was deleted). */
  forgetEvent(eventId: string): void {
    for (const [digest, entry] of this.entries)
      if (entry.ingest.eventId === eventId) this.entries.delete(digest);
  }
}

function digestOf(streamKey: string): string {
  return createHash('sha256').update(streamKey).digest('base64');
}

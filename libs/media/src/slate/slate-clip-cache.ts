import type { SlateClip } from './slate-clip';
import { slateParamsKey, type SlateParams } from './slate-params';

/** Makes the clip of one parameter set (production: {@link encodeSlateClip} with ffmpeg). */
export type SlateClipEncoder = (params: SlateParams) => Promise<SlateClip>;

/** Clips kept by default: one per parameter set in use on this relay (a clip is some 20-60 kB). */
const DEFAULT_MAX_CLIPS = 16;
/** A failed encode is retried after this long (ms) rather than at every request. */
const RETRY_AFTER_MS = 30_000;

interface Entry {
  clip: SlateClip | null;
  pending: Promise<SlateClip> | null;
  failedAt: number | null;
  error: Error | null;
}

/**
 * Slate clips by parameter set, shared by every event of a relay: each set is encoded once, on the first
 * request, and requests made while it encodes share the result. Keeps the `maxClips` most recently used;
 * a failed encode is remembered for RETRY_AFTER_MS so a broken ffmpeg is not run at every request.
 */
export class SlateClipCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly encode: SlateClipEncoder,
    private readonly maxClips = DEFAULT_MAX_CLIPS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The clip of `params` if it is ready, else null (use {@link prepare} to make it). */
  get(params: SlateParams): SlateClip | null {
    const key = slateParamsKey(params);
    const entry = this.entries.get(key);
    if (!entry?.clip) return null;
    this.entries.delete(key); // most recently used last
    this.entries.set(key, entry);
    return entry.clip;
  }

  /**
   * The clip of `params`, encoding it if needed.
   *
   * @throws the encoder's error (SlateError) for this attempt, or the remembered one within RETRY_AFTER_MS.
   */
  prepare(params: SlateParams): Promise<SlateClip> {
    const key = slateParamsKey(params);
    const entry = this.entries.get(key);
    if (entry?.clip) return Promise.resolve(entry.clip);
    if (entry?.pending) return entry.pending;
    if (entry?.error && entry.failedAt !== null && this.clock() - entry.failedAt < RETRY_AFTER_MS) {
      return Promise.reject(entry.error);
    }
    const fresh: Entry = { clip: null, pending: null, failedAt: null, error: null };
    fresh.pending = this.encode(params).then(
      (clip) => {
        fresh.clip = clip;
        fresh.pending = null;
        return clip;
      },
      (error: unknown) => {
        fresh.pending = null;
        fresh.failedAt = this.clock();
        fresh.error = error instanceof Error ? error : new Error(String(error));
        throw fresh.error;
      },
    );
    this.entries.set(key, fresh);
    this.evict();
    return fresh.pending;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxClips) return;
      if (!entry.pending) this.entries.delete(key);
    }
  }
}

import type { FlvTag } from '../protocols/flv/flv-tag';

/** Default bounds of one GOP cache: a 10 s GOP at 12 Mbit/s fits; anything larger is dropped. */
export const DEFAULT_GOP_CACHE_LIMITS = { maxBytes: 16 * 1024 * 1024, maxTags: 4096 } as const;

/**
 * The tags since the most recent video keyframe, in arrival order, first tag a keyframe.
 * Bounded by bytes and tag count: past either bound the cache empties and waits for the next
 * keyframe, so a stream without keyframes cannot grow memory.
 */
export class GopCache<T extends { readonly data: Buffer } = FlvTag> {
  private tags: T[] = [];
  private bytes = 0;

  constructor(private readonly limits: { maxBytes: number; maxTags: number } = DEFAULT_GOP_CACHE_LIMITS) {}

  /** Starts a new GOP at a keyframe. */
  startGop(keyframe: T): void {
    this.tags = [keyframe];
    this.bytes = keyframe.data.length;
  }

  /** Appends a tag to the current GOP; ignored while no keyframe is cached. */
  append(tag: T): void {
    if (this.tags.length === 0) return;
    if (this.tags.length >= this.limits.maxTags || this.bytes + tag.data.length > this.limits.maxBytes) {
      this.clear();
      return;
    }
    this.tags.push(tag);
    this.bytes += tag.data.length;
  }

  clear(): void {
    this.tags = [];
    this.bytes = 0;
  }

  /** The cached GOP, first element a keyframe; empty when no keyframe is cached. Do not mutate. */
  get contents(): readonly T[] {
    return this.tags;
  }

  get byteLength(): number {
    return this.bytes;
  }
}

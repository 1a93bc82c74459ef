import { FlvTagType } from '../protocols/flv/flv-constants';
import { isAvcEndOfSequence, type FlvTag } from '../protocols/flv/flv-tag';
import { BacklogGuard, type BacklogSkip } from './backlog-guard';
import type { GopHistory, ReplayStart } from './gop-history';
import type { InputFeed } from './input-feed';
import { LeadTrim } from './lead-trim';
import type { ProgramOutput } from './program-output';
import { ProgramTimeline, type SwitchPlacement } from './program-timeline';
import { replayBounds, replayStart } from './replay-plan';

/**
 * Called when a backlog skip ends: the on-air input's live-edge keyframe was placed on the program
 * timeline like a switch and sent (see {@link BacklogGuard}).
 */
export type LiveEdgeResumed = (feed: InputFeed, skip: BacklogSkip, placement: SwitchPlacement) => void;

/**
 * The only writer of an event's program: how a switch the {@link FailoverSwitcher} decided goes on
 * air, and how the on-air source's tags reach the {@link ProgramOutput} after that.
 *
 * - Commit: the new input's replay from its GOP history ({@link replayStart}) is placed on the
 *   {@link ProgramTimeline} (continuous, monotonic timestamps; drift bounded by `maxDriftMs`), then its
 *   metadata (first placement of a show only), sequence headers and replay are sent.
 * - On air: each media tag goes through the {@link LeadTrim} (the lead a failover's replay added is
 *   given back before a planned switch) and the {@link BacklogGuard} (media that would put the program
 *   more than `maxDriftMs` ahead is dropped up to the input's live edge, then re-placed there).
 * - Filler: the slate is placed like an input, its DTS 0 one frame interval after the last program tag.
 *
 * Not thread-safe; all calls come from the event loop. No allocation besides the forwarded tag.
 */
export class ProgramWriter {
  private readonly timeline: ProgramTimeline;
  private readonly guard: BacklogGuard;
  private readonly trim = new LeadTrim();

  /**
   * @param maxDriftMs most the program may run behind or ahead of the wall clock (ms); changed by
   *   {@link setMaxDriftMs}.
   * @param resumedAtLiveEdge told when a backlog skip ends (synchronously, from the media path).
   */
  constructor(
    private readonly program: ProgramOutput,
    maxDriftMs: number,
    private readonly resumedAtLiveEdge: LiveEdgeResumed,
  ) {
    this.timeline = new ProgramTimeline(maxDriftMs);
    this.guard = new BacklogGuard(maxDriftMs);
  }

  /**
   * A new drift bound (ms) for the timeline and the backlog guard (a settings change while on air): the
   * next placement and the next on-air tag use it; what was sent stays as it is.
   */
  setMaxDriftMs(maxDriftMs: number): void {
    this.timeline.setMaxDriftMs(maxDriftMs);
    this.guard.setMaxDriftMs(maxDriftMs);
  }

  /** Whether the on-air input's backlog is being skipped (its media dropped until its live edge). */
  get skippingBacklog(): boolean {
    return this.guard.skipping;
  }

  /** Program time behind (> 0) or ahead (< 0) of the wall clock at `now`, ms. */
  driftMs(now: number): number {
    return this.timeline.driftMs(now);
  }

  /** The next placement anchors the wall clock again at its live edge (a show's start, see restartSelection). */
  reanchor(): void {
    this.timeline.reanchor();
    this.reset();
  }

  /** Forgets a backlog skip or lead trim in progress: the program switched or lost its input. */
  reset(): void {
    this.guard.reset();
    this.trim.reset();
  }

  /**
   * Where a switch at `now` (ms) starts `history` ({@link replayStart}), keeping the replay within the
   * guard's headroom of `maxDriftMs` (ms) ahead of the wall clock; null: wait for the next keyframe.
   */
  replayStart(history: GopHistory, now: number, lossDriven: boolean, maxDriftMs: number): ReplayStart | null {
    const maxAheadMs = maxDriftMs - this.guard.switchHeadroomMs;
    return replayStart(history, this.timeline, now, lossDriven, maxAheadMs);
  }

  /** Places a filler whose first tag has DTS 0 at wall clock `now` (ms); its tags then go through {@link forward}. */
  placeFiller(now: number): void {
    this.timeline.beginSwitch(0, now);
  }

  /**
   * Puts `feed` on air at wall clock `now` (ms) from `start` in its GOP history: places the replay on
   * the timeline, then sends the metadata (when `withMetadata`: nothing was on air before), the sequence
   * headers and the replay. Returns the placement and the number of tags replayed.
   */
  commit(
    feed: InputFeed,
    start: ReplayStart,
    withMetadata: boolean,
    now: number,
  ): { placement: SwitchPlacement; replayedTags: number } {
    const replay = feed.gop.replay(start);
    const { base, liveEdge } = replayBounds(replay);
    const placement = this.timeline.beginSwitch(base, now, liveEdge);
    this.reset();
    if (feed.metadata && withMetadata) this.emit(feed.metadata, placement.start);
    if (feed.videoConfig) this.emit(feed.videoConfig, placement.start);
    if (feed.audioConfig) this.emit(feed.audioConfig, placement.start);
    for (const tag of replay) this.forwardMedia(feed, tag, tag === replay[0], now);
    return { placement, replayedTags: replay.length };
  }

  /**
   * At a keyframe of the input a planned switch waits for: whether to let it pass and switch at the
   * next one, trimming the lead before it ({@link LeadTrim.defers}).
   */
  defersSwitch(now: number): boolean {
    return this.trim.defers(-this.timeline.driftMs(now));
  }

  /**
   * Forwards a media tag of the on-air input `feed` at wall clock `now` (ms) unless the lead trim or the
   * backlog guard drops it. `trimTowards`: the GOP history of the other input while a planned switch to
   * it is pending (the trim times itself on its next keyframe), else null.
   */
  forwardOnAir(
    feed: InputFeed,
    tag: FlvTag,
    keyframe: boolean,
    now: number,
    trimTowards: GopHistory | null,
  ): void {
    if (!this.trimmed(tag, keyframe, now, trimTowards)) this.forwardMedia(feed, tag, keyframe, now);
  }

  /** Sends one tag of the on-air source (a sequence header, a filler tag) with its program timestamp. */
  forward(tag: FlvTag): void {
    this.emit(tag, this.timeline.map(tag));
  }

  /**
   * {@link LeadTrim} on an on-air tag: true when it is dropped. A keyframe of the on-air input ends a
   * trim and is placed on the program timeline like a switch (then forwarded by the caller).
   */
  private trimmed(tag: FlvTag, keyframe: boolean, now: number, trimTowards: GopHistory | null): boolean {
    if (this.trim.dropping) {
      if (!keyframe) {
        this.trim.drop();
        return true;
      }
      this.trim.end(now);
      this.timeline.beginSwitch(tag.timestamp, now);
      return false;
    }
    if (!trimTowards || tag.type !== FlvTagType.Video) return false;
    if (this.guard.skipping) return false;
    const expectedAt = trimTowards.nextKeyframeExpectedAt(now);
    return this.trim.begins(-this.timeline.driftMs(now), expectedAt, now);
  }

  /**
   * Forwards a media tag of the on-air input unless the backlog guard drops it; a live-edge keyframe
   * ends a skip and is placed on the program timeline like a switch.
   */
  private forwardMedia(feed: InputFeed, tag: FlvTag, keyframe: boolean, now: number): void {
    if (this.guard.skipping) {
      const ahead = this.timeline.projectedAheadMs(0, now);
      if (keyframe && this.guard.canResume(feed.pacing.draining, ahead, now)) {
        this.resumeAtLiveEdge(feed, tag, now);
      } else {
        this.guard.drop(tag.timestamp);
      }
      return;
    }
    const programTs = this.timeline.map(tag);
    if (this.guard.exceeds(this.timeline.aheadMs(programTs, now), now)) this.guard.drop(tag.timestamp);
    else this.emit(tag, programTs);
  }

  /** Ends a skip at `keyframe`, the input's live edge: placed on the program timeline like a switch. */
  private resumeAtLiveEdge(feed: InputFeed, keyframe: FlvTag, now: number): void {
    const skip = this.guard.end(keyframe.timestamp);
    const placement = this.timeline.beginSwitch(keyframe.timestamp, now);
    this.forward(keyframe);
    this.resumedAtLiveEdge(feed, skip, placement);
  }

  /**
   * Sends `tag` at its program timestamp, unless it is an input's AVC end-of-sequence marker
   * (AVCPacketType 2, FLV spec E.4.3.1): the program's sequence goes on with the next input, and a
   * platform's decoder must not be told it ended.
   */
  private emit(tag: FlvTag, programTs: number): void {
    if (isAvcEndOfSequence(tag)) return;
    const ts = this.timeline.stamp(tag, programTs);
    this.program.publish({ type: tag.type, timestamp: ts, data: tag.data });
  }
}

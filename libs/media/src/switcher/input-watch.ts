import type { InputRole, PublishEndReason, PublishSink } from '../ingest/ingest-types';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { InputFeed, type InputFeedState } from './input-feed';
import type { SwitcherSettings } from './switcher-types';

/**
 * Wall clock (ms) each input's GOP history keeps beyond `stallTimeoutMs`: the stall check's period
 * (100 ms) and the jitter of arrivals, so a stall failover finds a keyframe from before the silence.
 */
const HISTORY_HEADROOM_MS = 500;

/** What {@link InputWatch} reports, synchronously from the media path. */
export interface InputWatchListener {
  /** An input changed state (see {@link InputFeedState}); `reason` in plain words. */
  changed(role: InputRole, state: InputFeedState, reason: string): void;
  /** A media tag (not metadata) of `feed`'s current session arrived. */
  media(feed: InputFeed, tag: FlvTag): void;
  /** The publisher of `feed`'s current session ended: the feed is offline now. */
  ended(feed: InputFeed): void;
}

/**
 * Loss detection of an event's two inputs, the "Loss" rule of {@link FailoverSwitcher}: keeps each
 * input's {@link InputFeed} with its current publishing session, and moves it between its states
 * (see {@link InputFeedState}), telling the listener about every transition with its reason.
 *
 * An input is lost when its publisher ends or is replaced (offline); when no media frame arrived for
 * `stallTimeoutMs`, or (with `detectFrozenTimestamps`) its timestamps stopped advancing that long while
 * media arrives (stalled); or while a rehearsal simulates its loss. It is live again at its first media
 * frame that is not stalled. Checked on media ({@link revivedBy}) and on every {@link check}.
 *
 * Not thread-safe; all calls come from the event loop.
 */
export class InputWatch {
  readonly feeds: Readonly<Record<InputRole, InputFeed>> = {
    primary: new InputFeed('primary'),
    backup: new InputFeed('backup'),
  };
  private sessions = 0;

  /** @param clock wall clock in ms. */
  constructor(
    private readonly listener: InputWatchListener,
    private readonly clock: () => number,
  ) {}

  /** Sizes each input's GOP history to cover a stall of `stallTimeoutMs` (ms) plus some headroom. */
  setStallTimeout(stallTimeoutMs: number): void {
    for (const feed of Object.values(this.feeds)) feed.gop.setSpan(stallTimeoutMs + HISTORY_HEADROOM_MS);
  }

  /**
   * Starts a new publishing session on `role`: the feed's caches reset, and a previous session of that
   * role is lost ("publisher replaced by a new session") and superseded (its callbacks are ignored from
   * now on). Returns the sink the ingest session feeds: metadata is kept on the feed, media goes to the
   * listener, and the end makes the input offline.
   */
  open(role: InputRole): PublishSink {
    const feed = this.feeds[role];
    const session = ++this.sessions;
    const wasOffline = feed.state === 'offline';
    if (feed.state === 'live') feed.lastLossAt = this.clock();
    feed.reset(session, this.clock());
    if (!wasOffline) this.lose(feed, 'offline', 'publisher replaced by a new session');
    return {
      onMetadata: (tag) => {
        if (feed.session === session) feed.metadata = tag;
      },
      onMedia: (tag) => {
        if (feed.session === session) this.listener.media(feed, tag);
      },
      onEnd: (reason) => {
        if (feed.session === session) this.end(feed, reason);
      },
    };
  }

  /** Treats `role` as lost (stalled, with `reason`) while its publisher keeps publishing, until {@link endSimulatedLoss}. */
  simulateLoss(role: InputRole, reason: string): void {
    const feed = this.feeds[role];
    feed.simulatedLoss = reason;
    if (feed.state === 'live') this.lose(feed, 'stalled', reason);
  }

  /** Ends a simulated loss: the input is live again at the next {@link check} if its media flows. */
  endSimulatedLoss(role: InputRole): void {
    this.feeds[role].simulatedLoss = null;
  }

  /** Stall detection and recovery of both inputs at wall clock `now` (ms); call every 100 ms or so. */
  check(now: number, settings: SwitcherSettings): void {
    for (const feed of Object.values(this.feeds)) {
      if (feed.state === 'offline' || feed.lastMediaAt === 0) continue;
      const stall = this.stallOf(feed, now, settings);
      if (feed.state === 'live' && stall) this.lose(feed, 'stalled', stall);
      else if (feed.state === 'stalled' && !stall) this.recover(feed, now);
      feed.updateHealth(now);
    }
  }

  /**
   * A media frame of `feed`, not live, was just recorded at `now` (ms): true when it brings the input
   * back live; false while it is still stalled (a first frame after a stall timeout moves an offline
   * input to stalled).
   */
  revivedBy(feed: InputFeed, now: number, settings: SwitcherSettings): boolean {
    const stall = this.stallOf(feed, now, settings);
    if (stall) {
      if (feed.state === 'offline') this.lose(feed, 'stalled', stall);
      return false;
    }
    this.recover(feed, now);
    return true;
  }

  /** Wall clock (ms) of the most recent loss of either input, or null for none. */
  lastLossAt(): number | null {
    return Math.max(this.feeds.primary.lastLossAt ?? 0, this.feeds.backup.lastLossAt ?? 0) || null;
  }

  private end(feed: InputFeed, reason: PublishEndReason): void {
    if (feed.state === 'live') feed.lastLossAt = this.clock();
    feed.reset(feed.session, null);
    this.lose(feed, 'offline', `publisher ${reason}`);
    this.listener.ended(feed);
  }

  private stallOf(feed: InputFeed, now: number, settings: SwitcherSettings): string | null {
    const checkTimestamps = settings.detectFrozenTimestamps ?? false;
    return feed.simulatedLoss ?? feed.stallReason(now, settings.stallTimeoutMs, checkTimestamps);
  }

  private lose(feed: InputFeed, state: 'offline' | 'stalled', reason: string): void {
    if (feed.state === 'live') feed.lastLossAt = this.clock();
    feed.state = state;
    feed.liveSince = null;
    feed.healthySince = null;
    this.listener.changed(feed.role, state, reason);
  }

  private recover(feed: InputFeed, now: number): void {
    if (feed.state === 'stalled') feed.recoveredFromStall = true;
    feed.state = 'live';
    feed.liveSince = now;
    feed.pacing.clearPeak();
    feed.updateHealth(now);
    this.listener.changed(feed.role, 'live', 'media flowing');
  }
}

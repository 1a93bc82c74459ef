import type { InputRole, PublishEndReason, PublishSink } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import { isAudioSequenceHeader, isVideoSequenceHeader, type FlvTag } from '../protocols/flv/flv-tag';
import { InputFeed } from './input-feed';
import type { ProgramOutput } from './program-output';
import type { SwitchDecision, SwitchKind, SwitcherListener, SwitcherSettings } from './switcher-types';

/** A timestamp jump inside one session larger than this (ms) is an encoder discontinuity: rebase. */
const MAX_FORWARD_JUMP_MS = 3000;
const MAX_BACKWARD_JUMP_MS = 1000;
/** Frame interval assumed before the program has two video frames (ms), and its bounds. */
const DEFAULT_FRAME_INTERVAL_MS = 33;
/**
 * Before anything was on air, a connected primary that has not sent media yet gets this long (ms) to
 * do so before the backup goes on air alone, so the show starts on the primary without a needless
 * failback a few seconds later.
 */
const INITIAL_PRIMARY_GRACE_MS = 3000;
const MAX_FRAME_INTERVAL_MS = 100;

interface PendingSwitch {
  readonly to: InputRole;
  readonly kind: SwitchKind;
  readonly reason: string;
  readonly decidedAt: number;
}

const other = (role: InputRole): InputRole => (role === 'primary' ? 'backup' : 'primary');

/**
 * The program switcher of one event: forwards the active input's FLV tags to the program output and
 * moves the program between the primary and the backup.
 *
 * - Loss: the publisher ends, or no media frame for `stallTimeoutMs` (checked by {@link tick}).
 * - Failover: when the active input is lost and the other is live, the other goes on air at once from
 *   its GOP cache (its last keyframe), after its sequence headers; nothing is lost, at most one GOP repeats.
 * - Failback (`primary-preferred`): once the primary has been live for `failbackAfterMs`, the backup stays
 *   on air until the primary's next keyframe, then the primary takes over: no hole, no repeat.
 * - Timestamps: program ts = input ts + offset; at each switch the offset is chosen so the new input
 *   continues one frame interval after the last program tag. Video DTS stays strictly increasing, audio
 *   non-decreasing; composition times (FLV spec E.4.3.1 CompositionTime) are untouched, so PTS - DTS and
 *   A/V sync within an input are kept.
 *
 * Not thread-safe; all calls come from the event loop. No allocation besides the forwarded tag.
 */
export class FailoverSwitcher {
  private readonly feeds: Record<InputRole, InputFeed> = {
    primary: new InputFeed('primary'),
    backup: new InputFeed('backup'),
  };
  private active: InputRole | null = null;
  private lastOnAir: InputRole | null = null;
  private pending: PendingSwitch | null = null;
  private sessions = 0;
  private offset = 0;
  /** Highest program timestamp sent, -1 before the first tag. */
  private lastTs = -1;
  private lastVideoTs = -1;
  private lastAudioTs = -1;
  private floorTs = 0;
  private frameInterval = DEFAULT_FRAME_INTERVAL_MS;
  private interruptedSince: number | null = null;

  constructor(
    private readonly program: ProgramOutput,
    private settings: SwitcherSettings,
    private readonly listener: SwitcherListener,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The input on air, or null while the program has none. */
  get activeInput(): InputRole | null {
    return this.active;
  }

  inputState(role: InputRole): InputFeed['state'] {
    return this.feeds[role].state;
  }

  /** Input feed details for diagnostics (read-only use). */
  feed(role: InputRole): Readonly<InputFeed> {
    return this.feeds[role];
  }

  updateSettings(settings: SwitcherSettings): void {
    this.settings = settings;
  }

  /**
   * Starts a new publishing session on `role`; a previous session of that role is superseded (its
   * callbacks are ignored from now on). Returns the sink the ingest session feeds.
   */
  openSession(role: InputRole): PublishSink {
    const feed = this.feeds[role];
    const session = ++this.sessions;
    const wasLive = feed.state !== 'offline';
    feed.reset(session, this.clock());
    if (wasLive) this.listener.inputStateChanged(role, 'offline', 'publisher replaced by a new session');
    this.decide();
    return {
      onMetadata: (tag) => {
        if (feed.session === session) feed.metadata = tag;
      },
      onMedia: (tag) => {
        if (feed.session === session) this.onMedia(feed, tag);
      },
      onEnd: (reason) => {
        if (feed.session === session) this.onEnd(feed, reason);
      },
    };
  }

  /**
   * Chooses the input again as if nothing had been on air: used when the event starts, before any leg
   * reads the program, so a show whose backup happened to publish first still starts on the primary.
   * The program's cached GOP is dropped so legs start with the new choice; timestamps stay continuous.
   */
  restartSelection(): void {
    this.active = null;
    this.pending = null;
    this.lastOnAir = null;
    this.interruptedSince = null;
    this.program.dropCachedGop();
    this.decide();
  }

  /** Stall detection and failback; call every 100 ms or so. */
  tick(): void {
    const now = this.clock();
    for (const feed of Object.values(this.feeds)) {
      if (feed.state === 'live' && now - feed.lastMediaAt > this.settings.stallTimeoutMs) {
        feed.state = 'stalled';
        feed.healthySince = null;
        this.listener.inputStateChanged(feed.role, 'stalled', `no media for ${now - feed.lastMediaAt} ms`);
      }
    }
    this.decide();
  }

  private onMedia(feed: InputFeed, tag: FlvTag): void {
    const now = this.clock();
    const kind = feed.record(tag, now);
    if (kind === 'config') {
      if (this.active === feed.role) this.forward(tag);
      return;
    }
    if (feed.state !== 'live') {
      feed.state = 'live';
      feed.healthySince = now;
      this.listener.inputStateChanged(feed.role, 'live', 'media flowing');
      this.decide();
      if (this.active === feed.role) return; // went on air from the GOP cache, this tag included
    }
    if (kind === 'keyframe' && this.pending?.to === feed.role) {
      this.commit(feed, this.pending);
      return;
    }
    if (this.active === feed.role) this.forward(tag);
  }

  private onEnd(feed: InputFeed, reason: PublishEndReason): void {
    feed.reset(feed.session, null);
    this.listener.inputStateChanged(feed.role, 'offline', `publisher ${reason}`);
    this.decide();
  }

  /** Applies the switching rules to the current input states. */
  private decide(): void {
    const now = this.clock();
    if (this.pending && this.feeds[this.pending.to].state !== 'live') this.pending = null;

    if (this.active && this.feeds[this.active].state !== 'live') {
      const lost = this.feeds[this.active];
      const reason = `${lost.role} ${lost.state === 'offline' ? 'disconnected' : 'stalled'}`;
      this.active = null;
      const backup = this.feeds[other(lost.role)];
      if (backup.state === 'live') {
        this.switchTo(backup, { to: backup.role, kind: this.kindFor(backup.role), reason, decidedAt: now });
      } else {
        this.interrupt(reason);
      }
      return;
    }

    if (!this.active && !this.pending) {
      const candidate = this.pickCandidate();
      if (candidate) {
        const reason = `${candidate.role} live`;
        this.switchTo(candidate, {
          to: candidate.role,
          kind: this.kindFor(candidate.role),
          reason,
          decidedAt: now,
        });
      }
      return;
    }

    const primary = this.feeds.primary;
    if (
      this.settings.mode === 'primary-preferred' &&
      this.active === 'backup' &&
      !this.pending &&
      primary.state === 'live' &&
      primary.healthySince !== null &&
      now - primary.healthySince >= this.settings.failbackAfterMs
    ) {
      const reason = `primary healthy for ${now - primary.healthySince} ms`;
      this.pending = { to: 'primary', kind: 'failback', reason, decidedAt: now };
    }
  }

  /**
   * The input to put on air when none is: the preferred one (the primary, or in sticky mode the input
   * last on air) if live, even if that means waiting for its next keyframe; at the start of a show, a
   * primary that connected less than INITIAL_PRIMARY_GRACE_MS ago but has no media yet is waited for.
   */
  private pickCandidate(): InputFeed | null {
    const { primary, backup } = this.feeds;
    const preferred = this.settings.mode === 'sticky' && this.lastOnAir === 'backup' ? backup : primary;
    const second = preferred === primary ? backup : primary;
    if (preferred.state === 'live') return preferred;
    const waitForPrimary =
      this.lastOnAir === null &&
      preferred === primary &&
      primary.connectedAt !== null &&
      this.clock() - primary.connectedAt < INITIAL_PRIMARY_GRACE_MS;
    if (waitForPrimary) return null;
    return second.state === 'live' ? second : null;
  }

  private kindFor(to: InputRole): SwitchKind {
    if (this.lastOnAir === null || this.lastOnAir === to) return 'resume';
    return to === 'backup' ? 'failover' : 'failback';
  }

  /** Goes on air from the GOP cache, or waits for the input's next keyframe when none is cached. */
  private switchTo(feed: InputFeed, pending: PendingSwitch): void {
    if (feed.hasCachedKeyframe) this.commit(feed, pending);
    else this.pending = pending;
  }

  private commit(feed: InputFeed, pending: PendingSwitch): void {
    const replay = feed.gop.contents.slice();
    const start = this.nextTimestamp();
    let base = replay[0]!.timestamp;
    for (const tag of replay) base = Math.min(base, tag.timestamp);
    const from = this.lastOnAir;
    const gapMs = this.lastTs < 0 ? 0 : Math.max(0, start - this.lastTs - this.frameInterval);
    this.offset = start - base;
    this.floorTs = start;
    this.active = feed.role;
    this.lastOnAir = feed.role;
    this.pending = null;
    this.interruptedSince = null;
    if (feed.metadata && from === null) this.emit(feed.metadata, start);
    if (feed.videoConfig) this.emit(feed.videoConfig, start);
    if (feed.audioConfig) this.emit(feed.audioConfig, start);
    for (const tag of replay) this.forward(tag);
    this.listener.switched({
      kind: pending.kind,
      from,
      to: feed.role,
      reason: pending.reason,
      decidedAt: pending.decidedAt,
      committedAt: this.clock(),
      programTimestamp: start,
      gapMs,
      replayedTags: replay.length,
    } satisfies SwitchDecision);
  }

  private interrupt(reason: string): void {
    if (this.interruptedSince !== null) return;
    this.interruptedSince = this.clock();
    this.listener.programInterrupted(reason);
  }

  private nextTimestamp(): number {
    return this.lastTs < 0 ? 0 : this.lastTs + this.frameInterval;
  }

  /** Sends one input tag with its program timestamp. */
  private forward(tag: FlvTag): void {
    let ts = tag.timestamp + this.offset;
    if (
      this.lastTs >= 0 &&
      (ts - this.lastTs > MAX_FORWARD_JUMP_MS || this.lastTs - ts > MAX_BACKWARD_JUMP_MS)
    ) {
      const next = this.nextTimestamp();
      this.offset = next - tag.timestamp;
      ts = next;
    }
    this.emit(tag, ts);
  }

  private emit(tag: FlvTag, programTs: number): void {
    let ts = Math.max(programTs, this.floorTs);
    if (tag.type === FlvTagType.Video && !isVideoSequenceHeader(tag)) {
      if (ts <= this.lastVideoTs) ts = this.lastVideoTs + 1;
      if (this.lastVideoTs >= 0) {
        const interval = ts - this.lastVideoTs;
        if (interval > 0 && interval <= MAX_FRAME_INTERVAL_MS) this.frameInterval = interval;
      }
      this.lastVideoTs = ts;
    } else if (tag.type === FlvTagType.Audio && !isAudioSequenceHeader(tag)) {
      if (ts < this.lastAudioTs) ts = this.lastAudioTs;
      this.lastAudioTs = ts;
    }
    if (ts > this.lastTs) this.lastTs = ts;
    this.program.publish({ type: tag.type, timestamp: ts, data: tag.data });
  }
}

import type { InputRole, PublishEndReason, PublishSink } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { BacklogGuard } from './backlog-guard';
import { FlapDamper } from './flap-damper';
import type { ReplayStart } from './gop-history';
import { InputFeed } from './input-feed';
import { LeadTrim } from './lead-trim';
import type { ProgramOutput } from './program-output';
import { liveEdgeResume, switchDecision, type PendingSwitch } from './pending-switch';
import { ProgramTimeline, type SwitchPlacement } from './program-timeline';
import { replayBounds, replayStart } from './replay-plan';
import {
  DEFAULT_FLAP_DAMPING,
  DEFAULT_MAX_DRIFT_MS,
  type InputMeter,
  type ProgramFiller,
  type SwitchKind,
  type SwitcherListener,
  type SwitcherSettings,
} from './switcher-types';

/**
 * Before anything was on air, a connected primary that has not sent media yet gets this long (ms) to
 * do so before the backup goes on air alone, so the show starts on the primary without a needless
 * failback a few seconds later.
 */
const INITIAL_PRIMARY_GRACE_MS = 3000;

/**
 * Wall clock (ms) each input's GOP history keeps beyond `stallTimeoutMs`: the stall check's period
 * (100 ms) and the jitter of arrivals, so a stall failover finds a keyframe from before the silence.
 */
const HISTORY_HEADROOM_MS = 500;

const other = (role: InputRole): InputRole => (role === 'primary' ? 'backup' : 'primary');

/**
 * The program switcher of one event: forwards the active input's FLV tags to the program output and
 * moves the program between the primary and the backup.
 *
 * - Loss: the publisher ends; no media frame for `stallTimeoutMs`; optionally, timestamps that stop
 *   advancing while media arrives; or a rehearsal's simulated loss. Checked on media and by {@link tick}.
 * - Failover: when the active input is lost and the other is live, the other goes on air after its
 *   sequence headers, either at once from its GOP history (`cached-keyframe`) or at its next keyframe
 *   (`next-keyframe`: nothing repeats, the picture holds until then). From the history it starts at the
 *   newest keyframe that arrived before the program's live edge in wall time (now - lag), so it covers
 *   the time the lost input was silent: no hole, not ahead by more than one GOP, ≤ 1 GOP repeats.
 * - Failback (`primary-preferred`): once the primary has been live for `failbackAfterMs`, the backup stays
 *   on air until the primary's next keyframe, then the primary takes over: no hole, no repeat.
 * - Flap damping: after `maxFailovers` failovers within `windowMs`, failback waits until both inputs
 *   have been free of losses for `stableMs`.
 * - Timestamps: see {@link ProgramTimeline}: continuous, monotonic, drift bounded by `maxDriftMs`; a
 *   show's first placement anchors the wall clock at its live edge. The lead a failover's replay adds
 *   is given back before the failback ({@link LeadTrim}).
 * - Backlogs: an input that sends faster than real time (a resumed encoder draining its frozen
 *   seconds, see InputPacing) is not healthy and no planned switch goes to it until it is paced; on
 *   air, media that would put the program more than `maxDriftMs` ahead is skipped up to the input's
 *   live edge ({@link BacklogGuard}), reported as a `resume` of the same input.
 * - Filler: while no input is on air, a {@link ProgramFiller} (the slate) may be placed on the program
 *   timeline like an input ({@link startFiller}); the first input to go on air again stops it.
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
  private timeline: ProgramTimeline;
  private readonly guard: BacklogGuard;
  private readonly trim = new LeadTrim();
  private readonly damper: FlapDamper;
  private interruptedSince: number | null = null;
  private filler: ProgramFiller | null = null;

  /**
   * @param clock wall clock in ms.
   * @param meter the inputs' measured rates, recorded with each switch (none by default).
   */
  constructor(
    private readonly program: ProgramOutput,
    private settings: SwitcherSettings,
    private readonly listener: SwitcherListener,
    private readonly clock: () => number = Date.now,
    private readonly meter: InputMeter = () => null,
  ) {
    this.timeline = new ProgramTimeline(settings.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS);
    this.guard = new BacklogGuard(settings.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS);
    this.damper = new FlapDamper(settings.flapDamping ?? DEFAULT_FLAP_DAMPING);
    this.setHistorySpan();
  }

  /** The input on air, or null while the program has none. */
  get activeInput(): InputRole | null {
    return this.active;
  }

  /** Whether a filler (the slate) is on air. */
  get fillerOnAir(): boolean {
    return this.filler !== null;
  }

  /** Whether the on-air input's backlog is being skipped (its media dropped until its live edge). */
  get skippingBacklog(): boolean {
    return this.guard.skipping;
  }

  /** Whether flap damping currently holds failback back. */
  get flapDamping(): boolean {
    return this.damper.active;
  }

  inputState(role: InputRole): InputFeed['state'] {
    return this.feeds[role].state;
  }

  /** Input feed details for diagnostics (read-only use). */
  feed(role: InputRole): Readonly<InputFeed> {
    return this.feeds[role];
  }

  /** Program time behind (> 0) or ahead (< 0) of the wall clock, ms. */
  driftMs(): number {
    return this.timeline.driftMs(this.clock());
  }

  updateSettings(settings: SwitcherSettings): void {
    this.settings = settings;
    this.damper.update(settings.flapDamping ?? DEFAULT_FLAP_DAMPING);
    this.setHistorySpan();
  }

  private setHistorySpan(): void {
    for (const feed of Object.values(this.feeds)) {
      feed.gop.setSpan(this.settings.stallTimeoutMs + HISTORY_HEADROOM_MS);
    }
  }

  /**
   * Starts a new publishing session on `role`; a previous session of that role is superseded (its
   * callbacks are ignored from now on). Returns the sink the ingest session feeds.
   */
  openSession(role: InputRole): PublishSink {
    const feed = this.feeds[role];
    const session = ++this.sessions;
    const wasOffline = feed.state === 'offline';
    if (feed.state === 'live') feed.lastLossAt = this.clock();
    feed.reset(session, this.clock());
    if (!wasOffline) this.lose(feed, 'offline', 'publisher replaced by a new session');
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
   * Treats `role` as lost while its publisher keeps publishing (a failover rehearsal); its media keeps
   * filling its caches so it can come back at once. Takes effect immediately.
   */
  simulateLoss(role: InputRole, reason: string): void {
    const feed = this.feeds[role];
    feed.simulatedLoss = reason;
    if (feed.state === 'live') this.lose(feed, 'stalled', reason);
    this.decide();
  }

  /** Ends a simulated loss; the input is live again as soon as its media flows (failback per the mode). */
  endSimulatedLoss(role: InputRole): void {
    this.feeds[role].simulatedLoss = null;
    this.tick();
  }

  /**
   * Chooses the input again as if nothing had been on air: used when the event starts, before any leg
   * reads the program, so a show whose backup happened to publish first still starts on the primary.
   * The program's cached GOP is dropped so legs start with the new choice; timestamps stay continuous,
   * and the wall clock is anchored again at the live edge of the new placement (nothing ahead).
   */
  restartSelection(): void {
    this.stopFiller();
    this.active = null;
    this.timeline.reanchor();
    this.resetGuards();
    this.pending = null;
    this.lastOnAir = null;
    this.interruptedSince = null;
    this.program.dropCachedGop();
    this.decide();
  }

  /**
   * Puts `filler` on air while no input is: placed on the program timeline like an input (its DTS 0 one
   * frame interval after the last program tag), so its sequence headers and media reach every reader and
   * timestamps stay continuous. Returns false, doing nothing, when an input or another filler is on air.
   */
  startFiller(filler: ProgramFiller): boolean {
    if (this.active !== null || this.filler !== null) return false;
    this.timeline.beginSwitch(0, this.clock());
    this.filler = filler;
    filler.start((tag) => {
      if (this.filler === filler) this.forward(tag);
    });
    return true;
  }

  /** Takes the filler off air (the program then holds with no media until an input goes on air). */
  stopFiller(): void {
    const filler = this.filler;
    this.filler = null;
    filler?.stop();
  }

  /** Stall detection, recovery, failback and flap damping; call every 100 ms or so. */
  tick(): void {
    const now = this.clock();
    const checkTimestamps = this.settings.detectFrozenTimestamps ?? false;
    for (const feed of Object.values(this.feeds)) {
      if (feed.state === 'offline' || feed.lastMediaAt === 0) continue;
      const stall =
        feed.simulatedLoss ?? feed.stallReason(now, this.settings.stallTimeoutMs, checkTimestamps);
      if (feed.state === 'live' && stall) this.lose(feed, 'stalled', stall);
      else if (feed.state === 'stalled' && !stall) this.recover(feed, now);
      feed.updateHealth(now);
    }
    const lastLoss = Math.max(this.feeds.primary.lastLossAt ?? 0, this.feeds.backup.lastLossAt ?? 0);
    if (this.damper.releaseIfStable(now, lastLoss || null)) {
      const { stableMs } = this.settings.flapDamping ?? DEFAULT_FLAP_DAMPING;
      this.listener.flapDampingChanged?.(false, `both inputs stable for ${stableMs} ms`);
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
      const stall =
        feed.simulatedLoss ??
        feed.stallReason(now, this.settings.stallTimeoutMs, this.settings.detectFrozenTimestamps ?? false);
      if (stall) {
        if (feed.state === 'offline') this.lose(feed, 'stalled', stall);
        return;
      }
      this.recover(feed, now);
      this.decide();
      if (this.active === feed.role) return; // went on air from the GOP cache, this tag included
    }
    const pending = this.pending;
    if (kind === 'keyframe' && pending?.to === feed.role && !(pending.planned && feed.pacing.draining)) {
      if (!pending.planned || !this.trim.defers(-this.timeline.driftMs(now))) {
        this.commit(feed, pending);
        return;
      }
    }
    if (this.active === feed.role && !this.trimmed(feed, tag, kind === 'keyframe', now)) {
      this.forwardMedia(feed, tag, kind === 'keyframe', now);
    }
  }

  /**
   * {@link LeadTrim} on an on-air tag: true when it is dropped. A keyframe of the on-air input ends a
   * trim and is placed on the program timeline like a switch (then forwarded by the caller).
   */
  private trimmed(feed: InputFeed, tag: FlvTag, keyframe: boolean, now: number): boolean {
    if (this.trim.dropping) {
      if (!keyframe) {
        this.trim.drop();
        return true;
      }
      this.trim.end(now);
      this.timeline.beginSwitch(tag.timestamp, now);
      return false;
    }
    const pending = this.pending;
    if (!pending?.planned || pending.to === feed.role || tag.type !== FlvTagType.Video) return false;
    if (this.guard.skipping) return false;
    const expectedAt = this.feeds[pending.to].gop.nextKeyframeExpectedAt(now);
    return this.trim.begins(-this.timeline.driftMs(now), expectedAt, now);
  }

  private onEnd(feed: InputFeed, reason: PublishEndReason): void {
    if (feed.state === 'live') feed.lastLossAt = this.clock();
    feed.reset(feed.session, null);
    this.lose(feed, 'offline', `publisher ${reason}`);
    this.decide();
  }

  private lose(feed: InputFeed, state: 'offline' | 'stalled', reason: string): void {
    if (feed.state === 'live') feed.lastLossAt = this.clock();
    feed.state = state;
    feed.liveSince = null;
    feed.healthySince = null;
    this.listener.inputStateChanged(feed.role, state, reason);
  }

  private recover(feed: InputFeed, now: number): void {
    if (feed.state === 'stalled') feed.recoveredFromStall = true;
    feed.state = 'live';
    feed.liveSince = now;
    feed.pacing.clearPeak();
    feed.updateHealth(now);
    this.listener.inputStateChanged(feed.role, 'live', 'media flowing');
  }

  /** Applies the switching rules to the current input states. */
  private decide(): void {
    const now = this.clock();
    const target = this.pending ? this.feeds[this.pending.to] : null;
    if (target && (target.state !== 'live' || (this.pending?.planned && target.pacing.draining))) {
      this.pending = null;
    }

    if (this.active && this.feeds[this.active].state !== 'live') {
      const lost = this.feeds[this.active];
      const reason =
        lost.simulatedLoss ?? `${lost.role} ${lost.state === 'offline' ? 'disconnected' : 'stalled'}`;
      const lostAgeMs = lost.lastMediaAt > 0 ? now - lost.lastMediaAt : null;
      this.active = null;
      this.resetGuards();
      const next = this.feeds[other(lost.role)];
      if (next.state === 'live') {
        this.recordFailover(now, reason);
        const kind = this.kindFor(next.role);
        const lostRates = this.meter(lost.role);
        const pending = { to: next.role, kind, reason, decidedAt: now, lostAgeMs, lostRates, planned: false };
        this.switchTo(next, pending, true);
      } else {
        this.interrupt(reason);
      }
      return;
    }

    if (!this.active && !this.pending) {
      const candidate = this.pickCandidate();
      if (candidate) {
        const pending = {
          to: candidate.role,
          kind: this.kindFor(candidate.role),
          reason: `${candidate.role} live`,
          decidedAt: now,
          lostAgeMs: null,
          planned: true,
        };
        this.switchTo(candidate, pending, false);
      }
      return;
    }

    const primary = this.feeds.primary;
    if (
      this.settings.mode === 'primary-preferred' &&
      this.active === 'backup' &&
      !this.pending &&
      !this.damper.active &&
      primary.state === 'live' &&
      primary.healthySince !== null &&
      now - primary.healthySince >= this.settings.failbackAfterMs
    ) {
      const reason = `primary healthy for ${now - primary.healthySince} ms`;
      this.pending = {
        to: 'primary',
        kind: 'failback',
        reason,
        decidedAt: now,
        lostAgeMs: null,
        planned: true,
      };
    }
  }

  private recordFailover(now: number, reason: string): void {
    if (this.damper.recordFailover(now)) {
      const { maxFailovers, windowMs } = this.settings.flapDamping ?? DEFAULT_FLAP_DAMPING;
      this.listener.flapDampingChanged?.(
        true,
        `${maxFailovers} failovers within ${windowMs} ms (last: ${reason})`,
      );
    }
  }

  /**
   * The input to put on air when none is: the preferred one (the primary, or in sticky mode the input
   * last on air) if ready for air (live and not draining a backlog), even if that means waiting for its
   * next keyframe; at the start of a show, a primary that connected less than INITIAL_PRIMARY_GRACE_MS
   * ago but has no media yet is waited for.
   */
  private pickCandidate(): InputFeed | null {
    const { primary, backup } = this.feeds;
    const preferred = this.settings.mode === 'sticky' && this.lastOnAir === 'backup' ? backup : primary;
    const second = preferred === primary ? backup : primary;
    if (preferred.readyForAir) return preferred;
    const waitForPrimary =
      this.lastOnAir === null &&
      preferred === primary &&
      primary.connectedAt !== null &&
      this.clock() - primary.connectedAt < INITIAL_PRIMARY_GRACE_MS;
    if (waitForPrimary) return null;
    return second.readyForAir ? second : null;
  }

  private kindFor(to: InputRole): SwitchKind {
    if (this.lastOnAir === null || this.lastOnAir === to) return 'resume';
    return to === 'backup' ? 'failover' : 'failback';
  }

  /**
   * Goes on air from the GOP history where {@link replayStart} says, or waits for the input's next
   * keyframe: when none is kept, when a `lossDriven` switch is to wait (`next-keyframe`), or when no
   * replay stays within the guard's headroom of maxDriftMs ahead of the wall clock.
   */
  private switchTo(feed: InputFeed, pending: PendingSwitch, lossDriven: boolean): void {
    if (!feed.hasCachedKeyframe || (lossDriven && this.settings.switchAt === 'next-keyframe')) {
      this.pending = pending;
      return;
    }
    const maxAheadMs = (this.settings.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS) - this.guard.switchHeadroomMs;
    const start = replayStart(feed.gop, this.timeline, this.clock(), lossDriven, maxAheadMs);
    if (start) this.commit(feed, pending, start);
    else this.pending = pending;
  }

  private commit(feed: InputFeed, pending: PendingSwitch, start: ReplayStart = feed.gop.newest()): void {
    const now = this.clock();
    const replay = feed.gop.replay(start);
    const { base, liveEdge } = replayBounds(replay);
    const from = this.lastOnAir;
    this.stopFiller();
    const placement = this.timeline.beginSwitch(base, now, liveEdge);
    this.active = feed.role;
    this.lastOnAir = feed.role;
    this.pending = null;
    this.interruptedSince = null;
    this.resetGuards();
    if (feed.metadata && from === null) this.emit(feed.metadata, placement.start);
    if (feed.videoConfig) this.emit(feed.videoConfig, placement.start);
    if (feed.audioConfig) this.emit(feed.audioConfig, placement.start);
    for (const tag of replay) this.forwardMedia(feed, tag, tag === replay[0], now);
    this.announce(pending, from, feed, placement, replay.length, 0);
  }

  /** Forgets a backlog skip or lead trim in progress: the program switched or lost its input. */
  private resetGuards(): void {
    this.guard.reset();
    this.trim.reset();
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
    this.announce(liveEdgeResume(feed.role, skip), feed.role, feed, placement, 1, skip.skippedMs);
  }

  /** Tells the listener about a switch (or a skip to the live edge) that just went on air. */
  private announce(
    pending: PendingSwitch,
    from: InputRole | null,
    feed: InputFeed,
    placement: SwitchPlacement,
    replayedTags: number,
    skippedMs: number,
  ): void {
    const now = this.clock();
    this.listener.switched(
      switchDecision(pending, {
        from,
        now,
        placement,
        replayedTags,
        skippedMs,
        recentFailovers: this.damper.recentFailovers(now),
        newInputFrames: feed.frames,
        newInputRates: this.meter(feed.role),
        newInputBacklogMs: feed.pacing.peakLeadMs,
      }),
    );
  }

  private interrupt(reason: string): void {
    if (this.interruptedSince !== null) return;
    this.interruptedSince = this.clock();
    this.listener.programInterrupted(reason);
  }

  /** Sends one tag of the active input with its program timestamp. */
  private forward(tag: FlvTag): void {
    this.emit(tag, this.timeline.map(tag));
  }

  private emit(tag: FlvTag, programTs: number): void {
    const ts = this.timeline.stamp(tag, programTs);
    this.program.publish({ type: tag.type, timestamp: ts, data: tag.data });
  }
}

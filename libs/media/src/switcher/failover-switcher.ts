import type { InputRole, PublishSink } from '../ingest/ingest-types';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { FlapDamper } from './flap-damper';
import type { InputFeed } from './input-feed';
import { InputWatch } from './input-watch';
import { plannedSwitch, type PendingSwitch } from './pending-switch';
import type { ProgramOutput } from './program-output';
import { ProgramOnAir } from './program-on-air';
import type { ProgramWriter } from './program-writer';
import {
  DEFAULT_FLAP_DAMPING,
  DEFAULT_MAX_DRIFT_MS,
  type InputMeter,
  type ProgramFiller,
  type SwitcherListener,
  type SwitcherSettings,
} from './switcher-types';
import { failbackReason, otherInput, pickCandidate, switchKind } from './switch-rules';

/**
 * The program switcher of one event: the decision state machine that moves the program between the
 * primary and the backup. Which input is lost is {@link InputWatch}'s; how a decided switch goes on air
 * is {@link ProgramOnAir}'s, whose {@link ProgramWriter} places it on the program timeline.
 *
 * - Loss (InputWatch): the publisher ends; no media for `stallTimeoutMs`; optionally, timestamps that
 *   stop advancing while media arrives; or a rehearsal's simulated loss. Checked on media and by tick.
 * - Failover: when the active input is lost and the other is live, the other goes on air after its
 *   sequence headers, either at once from its GOP history (`cached-keyframe`) or at its next keyframe
 *   (`next-keyframe`: nothing repeats, the picture holds until then). From the history it starts at the
 *   newest keyframe that arrived before the program's live edge in wall time (now - lag), so it covers
 *   the time the lost input was silent: no hole, not ahead by more than one GOP, ≤ 1 GOP repeats.
 * - Failback (`primary-preferred`): once the primary has been live for `failbackAfterMs`, the backup stays
 *   on air until the primary's next keyframe, then the primary takes over: no hole, no repeat.
 * - Flap damping: after `maxFailovers` failovers within `windowMs`, failback waits until both inputs
 *   have been free of losses for `stableMs`.
 * - Backlogs: an input that sends faster than real time (a resumed encoder draining its frozen
 *   seconds, see InputPacing) is not healthy and no planned switch goes to it until it is paced.
 * - Placement ({@link ProgramWriter}): timestamps continuous, monotonic, drift bounded by `maxDriftMs`;
 *   the lead a failover's replay adds is given back before the failback (LeadTrim); on-air media that
 *   would put the program more than `maxDriftMs` ahead is skipped up to the input's live edge
 *   (BacklogGuard), reported as a `resume` of the same input.
 * - Filler: while no input is on air, a {@link ProgramFiller} (the slate) may be placed on the program
 *   timeline like an input ({@link startFiller}); the first input to go on air again stops it.
 *
 * Not thread-safe; all calls come from the event loop. No allocation besides the forwarded tag.
 */
export class FailoverSwitcher {
  private readonly inputs: InputWatch;
  private readonly feeds: Readonly<Record<InputRole, InputFeed>>;
  private readonly onAir: ProgramOnAir;
  private readonly writer: ProgramWriter;
  private readonly damper: FlapDamper;
  private pending: PendingSwitch | null = null;

  /**
   * @param clock wall clock in ms.
   * @param meter the inputs' measured rates, recorded with each switch (none by default).
   */
  constructor(
    program: ProgramOutput,
    private settings: SwitcherSettings,
    private readonly listener: SwitcherListener,
    private readonly clock: () => number = Date.now,
    private readonly meter: InputMeter = () => null,
  ) {
    this.inputs = new InputWatch(
      {
        changed: (role, state, reason) => listener.inputStateChanged(role, state, reason),
        media: (feed, tag) => this.onMedia(feed, tag),
        ended: () => this.decide(),
      },
      clock,
    );
    this.feeds = this.inputs.feeds;
    this.damper = new FlapDamper(settings.flapDamping ?? DEFAULT_FLAP_DAMPING);
    const maxDriftMs = settings.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
    const recentFailovers = (now: number): number => this.damper.recentFailovers(now);
    this.onAir = new ProgramOnAir(program, maxDriftMs, listener, clock, recentFailovers, meter);
    this.writer = this.onAir.writer;
    this.inputs.setStallTimeout(settings.stallTimeoutMs);
  }

  /** The input on air, or null while the program has none. */
  get activeInput(): InputRole | null {
    return this.onAir.input;
  }

  /** Whether a filler (the slate) is on air. */
  get fillerOnAir(): boolean {
    return this.onAir.fillerOnAir;
  }

  /** Whether the on-air input's backlog is being skipped (its media dropped until its live edge). */
  get skippingBacklog(): boolean {
    return this.writer.skippingBacklog;
  }

  /** Whether flap damping currently holds failback back. */
  get flapDamping(): boolean {
    return this.damper.active;
  }

  /** State of input `role`: offline, live or stalled (see InputFeedState). */
  inputState(role: InputRole): InputFeed['state'] {
    return this.feeds[role].state;
  }

  /** Input feed details for diagnostics (read-only use). */
  feed(role: InputRole): Readonly<InputFeed> {
    return this.feeds[role];
  }

  /** Program time behind (> 0) or ahead (< 0) of the wall clock, ms. */
  driftMs(): number {
    return this.writer.driftMs(this.clock());
  }

  /**
   * Applies new failover settings from now on: stall timeout, flap damping, switch rules, and
   * `maxDriftMs` (default DEFAULT_MAX_DRIFT_MS) for replays, the program timeline and the backlog guard.
   * Timestamps already sent are not touched.
   */
  updateSettings(settings: SwitcherSettings): void {
    this.settings = settings;
    this.writer.setMaxDriftMs(settings.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS);
    this.damper.update(settings.flapDamping ?? DEFAULT_FLAP_DAMPING);
    this.inputs.setStallTimeout(settings.stallTimeoutMs);
  }

  /**
   * Starts a new publishing session on `role`; a previous session of that role is superseded (its
   * callbacks are ignored from now on). Returns the sink the ingest session feeds.
   */
  openSession(role: InputRole): PublishSink {
    const sink = this.inputs.open(role);
    this.decide();
    return sink;
  }

  /**
   * Treats `role` as lost while its publisher keeps publishing (a failover rehearsal); its media keeps
   * filling its caches so it can come back at once. Takes effect immediately.
   */
  simulateLoss(role: InputRole, reason: string): void {
    this.inputs.simulateLoss(role, reason);
    this.decide();
  }

  /** Ends a simulated loss; the input is live again as soon as its media flows (failback per the mode). */
  endSimulatedLoss(role: InputRole): void {
    this.inputs.endSimulatedLoss(role);
    this.tick();
  }

  /**
   * Chooses the input again as if nothing had been on air: used when the event starts, before any leg
   * reads the program, so a show whose backup happened to publish first still starts on the primary.
   * The program's cached GOP is dropped so legs start with the new choice; timestamps stay continuous,
   * and the wall clock is anchored again at the live edge of the new placement (nothing ahead).
   */
  restartSelection(): void {
    this.onAir.restart();
    this.pending = null;
    this.decide();
  }

  /**
   * Puts `filler` on air while no input is: placed on the program timeline like an input (its DTS 0 one
   * frame interval after the last program tag), so its sequence headers and media reach every reader and
   * timestamps stay continuous. Returns false, doing nothing, when an input or another filler is on air.
   */
  startFiller(filler: ProgramFiller): boolean {
    return this.onAir.startFiller(filler);
  }

  /** Takes the filler off air (the program then holds with no media until an input goes on air). */
  stopFiller(): void {
    this.onAir.stopFiller();
  }

  /** Stall detection, recovery, failback and flap damping; call every 100 ms or so. */
  tick(): void {
    const now = this.clock();
    this.inputs.check(now, this.settings);
    if (this.damper.releaseIfStable(now, this.inputs.lastLossAt())) {
      this.listener.flapDampingChanged?.(false, this.damper.offReason);
    }
    this.decide();
  }

  private onMedia(feed: InputFeed, tag: FlvTag): void {
    const now = this.clock();
    const kind = feed.record(tag, now);
    if (kind === 'config') {
      if (this.onAir.input === feed.role) this.writer.forward(tag);
      return;
    }
    if (feed.state !== 'live') {
      if (!this.inputs.revivedBy(feed, now, this.settings)) return;
      this.decide();
      if (this.onAir.input === feed.role) return; // went on air from the GOP cache, this tag included
    }
    const pending = this.pending;
    if (kind === 'keyframe' && pending?.to === feed.role && !(pending.planned && feed.pacing.draining)) {
      if (!pending.planned || !this.writer.defersSwitch(now)) {
        this.commit(feed, pending);
        return;
      }
    }
    if (this.onAir.input === feed.role) {
      const trimTowards = pending?.planned && pending.to !== feed.role ? this.feeds[pending.to].gop : null;
      this.writer.forwardOnAir(feed, tag, kind === 'keyframe', now, trimTowards);
    }
  }

  /** Applies the switching rules to the current input states. */
  private decide(): void {
    const now = this.clock();
    const target = this.pending ? this.feeds[this.pending.to] : null;
    if (target && (target.state !== 'live' || (this.pending?.planned && target.pacing.draining))) {
      this.pending = null;
    }
    const active = this.onAir.input;

    if (active && this.feeds[active].state !== 'live') {
      const lost = this.feeds[active];
      const reason =
        lost.simulatedLoss ?? `${lost.role} ${lost.state === 'offline' ? 'disconnected' : 'stalled'}`;
      const lostAgeMs = lost.lastMediaAt > 0 ? now - lost.lastMediaAt : null;
      this.onAir.inputLost();
      const next = this.feeds[otherInput(lost.role)];
      if (next.state === 'live') {
        if (this.damper.recordFailover(now))
          this.listener.flapDampingChanged?.(true, this.damper.onReason(reason));
        const kind = switchKind(this.onAir.lastInput, next.role);
        const lostRates = this.meter(lost.role);
        const pending = { to: next.role, kind, reason, decidedAt: now, lostAgeMs, lostRates, planned: false };
        this.switchTo(next, pending, true);
      } else {
        this.onAir.interrupt(reason);
      }
      return;
    }

    if (!active && !this.pending) {
      const { mode } = this.settings;
      const candidate = pickCandidate(this.feeds, mode, this.onAir.lastInput, this.clock());
      if (candidate) {
        const kind = switchKind(this.onAir.lastInput, candidate.role);
        this.switchTo(candidate, plannedSwitch(candidate.role, kind, `${candidate.role} live`, now), false);
      }
      return;
    }

    if (this.settings.mode !== 'primary-preferred' || active !== 'backup') return;
    if (this.pending || this.damper.active) return;
    const reason = failbackReason(this.feeds.primary, this.settings.failbackAfterMs, now);
    if (reason) this.pending = plannedSwitch('primary', 'failback', reason, now);
  }

  /** Goes on air at once from the input's GOP history if the placement rules allow, else waits. */
  private switchTo(feed: InputFeed, pending: PendingSwitch, lossDriven: boolean): void {
    this.pending = null;
    if (!this.onAir.switchFromHistory(feed, pending, lossDriven, this.settings)) this.pending = pending;
  }

  /** Puts `feed` on air at its newest keyframe: the one a pending switch waited for. */
  private commit(feed: InputFeed, pending: PendingSwitch): void {
    this.pending = null;
    this.onAir.commit(feed, pending);
  }
}

import type { InputRole } from '../ingest/ingest-types';
import type { ReplayStart } from './gop-history';
import type { InputFeed } from './input-feed';
import { liveEdgeResume, switchDecision, type PendingSwitch } from './pending-switch';
import type { ProgramOutput } from './program-output';
import type { SwitchPlacement } from './program-timeline';
import { ProgramWriter } from './program-writer';
import {
  DEFAULT_MAX_DRIFT_MS,
  type InputMeter,
  type ProgramFiller,
  type SwitcherListener,
  type SwitcherSettings,
} from './switcher-types';

/**
 * What the program of one event has on air (an input, the filler, or nothing) and how a switch the
 * {@link FailoverSwitcher} decided is committed to it: the filler goes off air, the {@link ProgramWriter}
 * places the new input's replay on the program timeline and sends it, and the listener hears the
 * {@link SwitchDecision} with its signals (also for a skip to the on-air input's live edge, reported as
 * a `resume` of the same input). An interruption (no input left) is reported once until the next commit.
 *
 * Not thread-safe; all calls come from the event loop.
 */
export class ProgramOnAir {
  /** Places and forwards the on-air source's tags. */
  readonly writer: ProgramWriter;
  private active: InputRole | null = null;
  private last: InputRole | null = null;
  private filler: ProgramFiller | null = null;
  private interruptedSince: number | null = null;

  /**
   * @param maxDriftMs most the program may run behind or ahead of the wall clock (ms).
   * @param clock wall clock in ms.
   * @param recentFailovers failovers within the flap-damping window ending at a wall clock (ms).
   * @param meter the inputs' measured rates, recorded with each switch.
   */
  constructor(
    private readonly program: ProgramOutput,
    maxDriftMs: number,
    private readonly listener: Pick<SwitcherListener, 'switched' | 'programInterrupted'>,
    private readonly clock: () => number,
    private readonly recentFailovers: (now: number) => number,
    private readonly meter: InputMeter,
  ) {
    this.writer = new ProgramWriter(program, maxDriftMs, (feed, skip, placement) =>
      this.announce(liveEdgeResume(feed.role, skip), feed.role, feed, placement, 1, skip.skippedMs),
    );
  }

  /** The input on air, or null while the program has none. */
  get input(): InputRole | null {
    return this.active;
  }

  /** The input last on air (also while none is), or null before the first switch of the show. */
  get lastInput(): InputRole | null {
    return this.last;
  }

  /** Whether a filler (the slate) is on air. */
  get fillerOnAir(): boolean {
    return this.filler !== null;
  }

  /**
   * Puts `feed` on air now for `pending` from its GOP history where replayStart (replay-plan) says. Returns
   * false, doing nothing, when the switch must wait for the input's next keyframe: no keyframe is kept,
   * a `lossDriven` switch is to wait (`switchAt` = `next-keyframe`), or no replay stays within the
   * backlog guard's headroom of `maxDriftMs` ahead of the wall clock.
   */
  switchFromHistory(
    feed: InputFeed,
    pending: PendingSwitch,
    lossDriven: boolean,
    settings: SwitcherSettings,
  ): boolean {
    if (!feed.hasCachedKeyframe || (lossDriven && settings.switchAt === 'next-keyframe')) return false;
    const maxDriftMs = settings.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
    const start = this.writer.replayStart(feed.gop, this.clock(), lossDriven, maxDriftMs);
    if (!start) return false;
    this.commit(feed, pending, start);
    return true;
  }

  /**
   * Puts `feed` on air now for `pending`, from `start` in its GOP history (by default its newest
   * keyframe): the filler stops, the replay is placed and sent, then the switch is announced.
   */
  commit(feed: InputFeed, pending: PendingSwitch, start: ReplayStart = feed.gop.newest()): void {
    const from = this.last;
    this.stopFiller();
    this.active = feed.role;
    this.last = feed.role;
    this.interruptedSince = null;
    const { placement, replayedTags } = this.writer.commit(feed, start, from === null, this.clock());
    this.announce(pending, from, feed, placement, replayedTags, 0);
  }

  /** The on-air input was lost: nothing is on air (a skip or trim in progress is forgotten). */
  inputLost(): void {
    this.active = null;
    this.writer.reset();
  }

  /** Reports that no input is on air any more, once until the next commit. */
  interrupt(reason: string): void {
    if (this.interruptedSince !== null) return;
    this.interruptedSince = this.clock();
    this.listener.programInterrupted(reason);
  }

  /**
   * As if nothing had been on air (see FailoverSwitcher.restartSelection): the filler stops, the
   * program's cached GOP is dropped and the next placement anchors the wall clock again.
   */
  restart(): void {
    this.stopFiller();
    this.active = null;
    this.writer.reanchor();
    this.last = null;
    this.interruptedSince = null;
    this.program.dropCachedGop();
  }

  /**
   * Puts `filler` on air while no input is, placed like an input; returns false, doing nothing, when an
   * input or another filler is on air.
   */
  startFiller(filler: ProgramFiller): boolean {
    if (this.active !== null || this.filler !== null) return false;
    this.writer.placeFiller(this.clock());
    this.filler = filler;
    filler.start((tag) => {
      if (this.filler === filler) this.writer.forward(tag);
    });
    return true;
  }

  /** Takes the filler off air (the program then holds with no media until an input goes on air). */
  stopFiller(): void {
    const filler = this.filler;
    this.filler = null;
    filler?.stop();
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
        recentFailovers: this.recentFailovers(now),
        newInputFrames: feed.frames,
        newInputRates: this.meter(feed.role),
        newInputBacklogMs: feed.pacing.peakLeadMs,
      }),
    );
  }
}

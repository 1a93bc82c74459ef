import type { InputRole, PublishSink } from '../ingest/ingest-types';
import type { InputMediaInfo } from '../probe/media-info';
import type { SlateClipCache } from '../slate/slate-clip-cache';
import { FailoverSwitcher } from '../switcher/failover-switcher';
import { ProgramOutput } from '../switcher/program-output';
import type { SwitcherSettings, SwitchKind } from '../switcher/switcher-types';
import { EventInputs } from './event-inputs';
import { EventLegs, type LegFactory } from './event-legs';
import type { LegSpec, LegStatus, LegStopReason, PipelineListener, PipelineObserver } from './pipeline-types';
import { ProgramSlate, type SlateStart } from './program-slate';

/** How often stall detection and failback run (ms). */
const TICK_INTERVAL_MS = 100;
/** How often each input's probed media is reported when it changed (ms). */
const MEDIA_REPORT_INTERVAL_MS = 2000;
// Kept importable from here for callers of the pipeline.
export { ffmpegLegFactory, type LegFactory } from './event-legs';

/**
 * The media pipeline of one event: two inputs → switcher → program output → one leg per destination.
 *
 * Lifecycle: created when an input publishes or the event starts; `start()` marks the event on air
 * (legs start as soon as the program has a keyframe); `stop()` closes the legs cleanly. Legs that exit
 * on their own are reported to the listener, which schedules `restartLeg()` with backoff (see
 * {@link EventLegs}, which supervises them).
 *
 * Slate (with `slateClips`): when both inputs are down while on air and `slateTimeoutMs` > 0, the legs
 * stay on a slate (see {@link ProgramSlate}); when it times out the legs close and the pipeline stops.
 */
export class EventPipeline {
  readonly program = new ProgramOutput();
  readonly switcher: FailoverSwitcher;
  private readonly inputs: EventInputs;
  private readonly legs: EventLegs;
  private readonly slate: ProgramSlate | null;
  private desired: LegSpec[] = [];
  private started = false;
  private announcedLive = false;
  private readonly observers = new Set<PipelineObserver>();
  private currentSettings: SwitcherSettings;
  private readonly ticker: NodeJS.Timeout;
  private readonly mediaReporter: NodeJS.Timeout;
  /** Switches of the program since the pipeline was created, by kind (for metrics). */
  private readonly switchCounts: Record<SwitchKind, number> = { failover: 0, failback: 0, resume: 0 };
  /** Wall clock (ms) when the program last went on air; null while off air. */
  private liveSinceMs: number | null = null;

  /** @param slateClips slate clips of this relay; null: no slate (the program holds with no media). */
  constructor(
    readonly eventId: string,
    settings: SwitcherSettings,
    private readonly listener: PipelineListener,
    createLeg: LegFactory,
    slateClips: SlateClipCache | null = null,
  ) {
    this.currentSettings = settings;
    this.inputs = new EventInputs(eventId, listener);
    this.legs = new EventLegs(eventId, this.program, listener, createLeg, this.observers);
    this.switcher = new FailoverSwitcher(
      this.program,
      settings,
      {
        inputStateChanged: (role, state, reason) => {
          listener.inputStateChanged(eventId, role, state, reason);
          for (const o of this.observers) o.inputStateChanged?.(role, state, reason);
        },
        switched: (decision) => {
          this.switchCounts[decision.kind]++;
          this.slate?.inputReturned(decision.to);
          listener.switched(eventId, decision, this.started);
          for (const o of this.observers) o.switched?.(decision);
          this.slate?.prepare(this.inputs.snapshot(decision.to));
          this.goLiveIfReady();
        },
        programInterrupted: (reason) => {
          listener.programInterrupted(eventId, reason);
          if (this.announcedLive) this.slate?.open(this.bothDownReason(reason), this.slateTimeoutMs);
        },
        flapDampingChanged: (active, reason) => listener.flapDampingChanged(eventId, active, reason),
      },
      Date.now,
      (role) => this.inputs.rates(role),
    );
    this.slate = slateClips ? this.createSlate(slateClips) : null;
    this.ticker = setInterval(() => this.switcher.tick(), TICK_INTERVAL_MS);
    this.ticker.unref();
    this.mediaReporter = setInterval(() => this.reportMedia(), MEDIA_REPORT_INTERVAL_MS);
    this.mediaReporter.unref();
  }

  /** Whether the event was started (and not stopped since); its legs may not have started yet. */
  get isStarted(): boolean {
    return this.started;
  }

  /** Whether either input has a publisher. */
  get hasInputs(): boolean {
    return this.inputs.anyConnected;
  }

  /** Attaches a new publishing session of `role`; the returned sink is fed by the ingest server. */
  openInput(role: InputRole): PublishSink {
    return this.inputs.attach(role, this.switcher.openSession(role));
  }

  /** What is probed of an input's media now (bitrates over the last ~5 s); tracks are null until seen. */
  inputMedia(role: InputRole): InputMediaInfo {
    return this.inputs.snapshot(role);
  }

  /** Program switches since the pipeline was created, by kind (failover, failback, resume). */
  get switches(): Readonly<Record<SwitchKind, number>> {
    return this.switchCounts;
  }

  /** Wall clock (ms since epoch) when the program last went on air, or null while off air. */
  get liveSince(): number | null {
    return this.liveSinceMs;
  }

  private get slateTimeoutMs(): number {
    return this.currentSettings.slateTimeoutMs ?? 0;
  }

  private bothDownReason(reason: string): string {
    const state = (role: InputRole): string => `${role} ${this.switcher.inputState(role)}`;
    return `both inputs down: ${reason} (${state('primary')}, ${state('backup')})`;
  }

  private createSlate(clips: SlateClipCache): ProgramSlate {
    return new ProgramSlate(
      {
        startFiller: (filler) => this.switcher.startFiller(filler),
        stopFiller: () => this.switcher.stopFiller(),
        closeLegs: () => this.stop('slate_timed_out'),
        started: (start) => this.listener.slateStarted?.(this.eventId, start),
        ended: (end) => this.listener.slateEnded?.(this.eventId, end),
        deadlineChanged: (start) => this.listener.slateDeadlineChanged?.(this.eventId, start),
      },
      clips,
    );
  }

  /** The failover settings in force. */
  get settings(): SwitcherSettings {
    return this.currentSettings;
  }

  /** Applies new failover settings to the switcher and the slate's timeout. */
  updateSettings(settings: SwitcherSettings): void {
    this.currentSettings = settings;
    this.switcher.updateSettings(settings);
    this.slate?.updateTimeout(this.slateTimeoutMs);
  }

  /** The slate on air now (since, endsAt, …), or null. */
  get slateOnAir(): SlateStart | null {
    return this.slate?.current ?? null;
  }

  /** Puts the event on air with these destinations. Idempotent. */
  start(destinations: readonly LegSpec[]): void {
    if (!this.announcedLive) this.switcher.restartSelection();
    this.started = true;
    this.desired = [...destinations];
    this.goLiveIfReady();
  }

  /** Applies a new destination list: new legs start at a keyframe, removed ones close; others untouched. */
  async syncDestinations(destinations: readonly LegSpec[]): Promise<void> {
    this.desired = [...destinations];
    await this.legs.applyDestinations(destinations);
    if (this.announcedLive) this.legs.startMissing(destinations);
  }

  /** Whether the program is on air (started, and its legs have started). */
  get isLive(): boolean {
    return this.announcedLive;
  }

  /** Adds an observer (a rehearsal, a metrics collector); see {@link PipelineObserver}. */
  addObserver(observer: PipelineObserver): void {
    this.observers.add(observer);
  }

  /** Removes an observer added by {@link addObserver}; unknown ones are ignored. */
  removeObserver(observer: PipelineObserver): void {
    this.observers.delete(observer);
  }

  /** The current legs, in the order they were added (not the held-back ones: see {@link heldBackLegs}). */
  legStatuses(): LegStatus[] {
    return this.legs.statuses();
  }

  /**
   * Destinations given up before this pipeline ({@link LegSpec.gaveUp}), which get no leg until a retry,
   * as statuses: state `exited`, `gaveUp` true, run 0.
   */
  heldBackLegs(): LegStatus[] {
    return this.legs.heldBackStatuses();
  }

  /** Treats `role` as lost on purpose (a rehearsal) until {@link endSimulatedLoss}. */
  simulateLoss(role: InputRole, reason: string): void {
    this.switcher.simulateLoss(role, reason);
  }

  /** Ends a simulated loss: the input is live again as soon as its media flows. */
  endSimulatedLoss(role: InputRole): void {
    this.switcher.endSimulatedLoss(role);
  }

  /**
   * Closes every leg cleanly and leaves the event off air; inputs stay attached. `reason` is told to the
   * listener for each live leg (`legStopped`).
   */
  async stop(reason: LegStopReason = 'event_stopped'): Promise<void> {
    this.slate?.close('stopped', 'the event was stopped');
    this.started = false;
    this.announcedLive = false;
    this.liveSinceMs = null;
    await this.legs.closeAll(reason);
  }

  /**
   * Restarts a leg that exited, if `legRun` is still its latest run and the event is on air; a stale
   * request (leg removed, already restarted, given up, event stopped) is ignored. Returns whether it restarted.
   */
  restartLeg(destinationId: string, legRun: number): boolean {
    return this.announcedLive && this.legs.restart(destinationId, legRun);
  }

  /**
   * A retry by hand: forgets the destination's failures (backoff and give-up window start again) and,
   * if its leg has exited (given up, or waiting for a restart) or is held back (given up before this
   * pipeline, see LegSpec.gaveUp), starts it now at a keyframe; a pending
   * restart of the old run becomes stale. A connecting or live leg is left running.
   *
   * @returns 'restarted', 'reset' (the leg was running: only its failures were forgotten), or
   *   'not-on-air' (the event is not on air, or the destination has no leg in this pipeline).
   */
  retryLeg(destinationId: string): 'restarted' | 'reset' | 'not-on-air' {
    if (!this.announcedLive) {
      // Started, waiting for a keyframe: a destination given up before starts with the others.
      this.desired = this.desired.map((d) =>
        d.destinationId === destinationId ? { ...d, gaveUp: false } : d,
      );
      return 'not-on-air';
    }
    return this.legs.retry(destinationId);
  }

  /** Stops everything; the pipeline is unusable afterwards. */
  async dispose(): Promise<void> {
    clearInterval(this.ticker);
    clearInterval(this.mediaReporter);
    await this.stop('pipeline_closed');
  }

  private goLiveIfReady(): void {
    if (!this.started || this.announcedLive || !this.program.hasKeyframe) return;
    this.announcedLive = true;
    this.liveSinceMs = Date.now();
    const onAir = this.switcher.activeInput;
    if (onAir) this.slate?.prepare(this.inputs.snapshot(onAir));
    this.listener.programLive(this.eventId);
    this.legs.startMissing(this.desired);
  }

  /** Reports each publishing input's probed media when it changed since the last report. */
  private reportMedia(): void {
    const now = Date.now();
    for (const role of ['primary', 'backup'] as const) {
      if (this.switcher.inputState(role) === 'offline') continue;
      const info = this.inputs.snapshot(role, now);
      this.inputs.report(role, info);
      if (this.switcher.activeInput === role) this.slate?.prepare(info);
    }
  }
}

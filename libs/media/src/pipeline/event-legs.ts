import { FfmpegLeg } from '../legs/ffmpeg-leg';
import type { LegFailure } from '../legs/leg-failure';
import { DEFAULT_LEG_POLICY, LegFailureWindow } from '../legs/leg-policy';
import type { OutboundLeg, OutboundLegListener } from '../legs/outbound-leg';
import type { ProgramOutput } from '../switcher/program-output';
import type { LegSpec, LegStatus, LegStopReason, PipelineListener, PipelineObserver } from './pipeline-types';

/**
 * A leg live for this long (ms) before failing has worked: its backoff starts from the first delay again
 * and its give-up window is cleared.
 */
const LEG_HEALTHY_RESET_MS = 30_000;

/** Creates the outbound leg of a destination; FfmpegLeg unless a test or a native egress says otherwise. */
export type LegFactory = (
  spec: LegSpec,
  program: ProgramOutput,
  listener: OutboundLegListener,
) => OutboundLeg;

/** The production {@link LegFactory}: one ffmpeg process per leg. */
export function ffmpegLegFactory(ffmpegPath: string): LegFactory {
  return (spec, program, listener) =>
    new FfmpegLeg(
      program,
      { url: spec.publishUrl, secrets: spec.streamKey ? [spec.streamKey] : [], ffmpegPath },
      listener,
    );
}

/** The current run of one destination's leg, with the supervision bookkeeping its runs share. */
interface LegSlot {
  spec: LegSpec;
  leg: OutboundLeg;
  run: number;
  /** Bytes written by the destination's earlier runs. */
  bytesBefore: number;
  liveSince: number | null;
  consecutiveFailures: number;
  /** Failure times within the give-up window; shared by the destination's runs. */
  failures: LegFailureWindow;
  /** The supervisor gave up on this run: only {@link EventLegs.retry} starts it again. */
  gaveUp: boolean;
}

/**
 * The outbound legs of one event's pipeline, one per destination, all reading the same program
 * output: starts, stops and restarts them, and keeps each destination's supervision bookkeeping
 * across its runs (run number, bytes written, consecutive failures, the give-up window of its
 * {@link LegPolicy}, issue 4 item 1).
 *
 * A leg that exits on its own is counted against its policy: the listener either schedules a restart
 * (`legExited`, then {@link restart}) or hears that the supervisor gave up (`legGaveUp`; only
 * {@link retry} starts it again). A leg live for LEG_HEALTHY_RESET_MS before failing starts over.
 * A destination given up before this pipeline ({@link LegSpec.gaveUp}) is held back: no leg, until
 * {@link retry}. A live leg closed on purpose is reported (`legStopped`) before it stops.
 * Whether the event is on air is the caller's to check.
 */
export class EventLegs {
  private readonly slots = new Map<string, LegSlot>();
  /** Destinations given up before this pipeline, not started: only {@link retry} starts them. */
  private readonly heldBack = new Map<string, LegSpec>();

  /** @param observers the pipeline's observers, told about every leg exit before the listener. */
  constructor(
    private readonly eventId: string,
    private readonly program: ProgramOutput,
    private readonly listener: PipelineListener,
    private readonly createLeg: LegFactory,
    private readonly observers: ReadonlySet<PipelineObserver>,
  ) {}

  /**
   * Starts a first run for each destination in `specs` that has no leg yet, except those given up
   * before ({@link LegSpec.gaveUp}), which are held back until {@link retry}.
   */
  startMissing(specs: readonly LegSpec[]): void {
    for (const spec of specs) {
      if (this.slots.has(spec.destinationId)) continue;
      if (spec.gaveUp) {
        this.heldBack.set(spec.destinationId, spec);
        continue;
      }
      this.heldBack.delete(spec.destinationId);
      this.open(spec, 1);
    }
  }

  /** Ids of the destinations held back because they were given up before this pipeline. */
  heldBackIds(): string[] {
    return [...this.heldBack.keys()];
  }

  /** The held-back destinations as leg statuses: `exited`, given up, run 0 (never connected here). */
  heldBackStatuses(): LegStatus[] {
    return [...this.heldBack.values()].map((spec) => ({
      destinationId: spec.destinationId,
      state: 'exited',
      run: 0,
      bytesWritten: 0,
      destinationHost: hostOf(spec.publishUrl),
      gaveUp: true,
      liveSince: null,
    }));
  }

  /**
   * Closes the legs of destinations not in `destinations` and gives the others their new spec: a changed
   * policy applies from the next failure on; a running leg is not touched. Resolves once closed.
   */
  async applyDestinations(destinations: readonly LegSpec[]): Promise<void> {
    const wanted = new Set(destinations.map((d) => d.destinationId));
    const removed = [...this.slots.values()].filter((slot) => !wanted.has(slot.spec.destinationId));
    for (const id of this.heldBack.keys()) if (!wanted.has(id)) this.heldBack.delete(id);
    await Promise.all(removed.map((slot) => this.close(slot, 'destination_removed')));
    for (const spec of destinations) {
      const slot = this.slots.get(spec.destinationId);
      if (slot) slot.spec = spec;
      else if (this.heldBack.has(spec.destinationId)) this.heldBack.set(spec.destinationId, spec);
    }
  }

  /** The current legs, in the order they were added. */
  statuses(): LegStatus[] {
    return [...this.slots.values()].map((slot) => ({
      destinationId: slot.spec.destinationId,
      state: slot.leg.state,
      run: slot.run,
      bytesWritten: slot.bytesBefore + slot.leg.bytesWritten,
      destinationHost: hostOf(slot.spec.publishUrl),
      gaveUp: slot.gaveUp,
      liveSince: slot.liveSince,
    }));
  }

  /**
   * Restarts a leg that exited, if `legRun` is still its latest run; a stale request (leg removed,
   * already restarted, given up) is ignored. Returns whether it restarted.
   */
  restart(destinationId: string, legRun: number): boolean {
    const slot = this.slots.get(destinationId);
    if (!slot || slot.run !== legRun || slot.gaveUp || slot.leg.state !== 'exited') return false;
    const next = this.open(slot.spec, legRun + 1, slot.bytesBefore + slot.leg.bytesWritten);
    next.consecutiveFailures = slot.consecutiveFailures;
    next.failures = slot.failures;
    return true;
  }

  /**
   * A retry by hand: forgets the destination's failures and, if its leg has exited or is held back
   * (given up before this pipeline), starts it now.
   * @returns 'restarted', 'reset' (the leg was running: only its failures were forgotten), or
   *   'not-on-air' (the destination has no leg).
   */
  retry(destinationId: string): 'restarted' | 'reset' | 'not-on-air' {
    const held = this.heldBack.get(destinationId);
    if (held) {
      this.heldBack.delete(destinationId);
      this.open(held, 1);
      return 'restarted';
    }
    const slot = this.slots.get(destinationId);
    if (!slot) return 'not-on-air';
    slot.failures.clear();
    slot.consecutiveFailures = 0;
    if (slot.leg.state !== 'exited') return 'reset';
    this.open(slot.spec, slot.run + 1, slot.bytesBefore + slot.leg.bytesWritten);
    return 'restarted';
  }

  /**
   * Closes every leg cleanly (live ones reported with `reason`) and forgets the held-back ones (the
   * next start decides again from the stored states); resolves once all are gone.
   */
  async closeAll(reason: LegStopReason): Promise<void> {
    this.heldBack.clear();
    await Promise.all([...this.slots.values()].map((slot) => this.close(slot, reason)));
  }

  private open(spec: LegSpec, run: number, bytesBefore = 0): LegSlot {
    const slot: LegSlot = {
      spec,
      run,
      bytesBefore,
      liveSince: null,
      consecutiveFailures: 0,
      failures: new LegFailureWindow(),
      gaveUp: false,
      leg: undefined as unknown as OutboundLeg,
    };
    slot.leg = this.createLeg(spec, this.program, {
      stateChanged: (state) => {
        // A given-up leg stays `failed` where it is stored when it is closed (handover, see LegSpec.gaveUp).
        if (slot.gaveUp && state === 'idle') return;
        if (state === 'live') slot.liveSince = Date.now();
        this.listener.legStateChanged(this.eventId, spec.destinationId, state);
      },
      exited: (failure) => this.onExited(slot, failure),
    });
    this.slots.set(spec.destinationId, slot);
    slot.leg.start();
    return slot;
  }

  /** Counts the failure against the destination's policy: give up, or ask the listener for a restart. */
  private onExited(slot: LegSlot, failure: LegFailure): void {
    const now = Date.now();
    if (slot.liveSince !== null && now - slot.liveSince >= LEG_HEALTHY_RESET_MS) {
      slot.consecutiveFailures = 0;
      slot.failures.clear();
    }
    slot.consecutiveFailures++;
    slot.liveSince = null;
    const policy = slot.spec.policy ?? DEFAULT_LEG_POLICY;
    const inWindow = slot.failures.record(now, policy);
    const id = slot.spec.destinationId;
    for (const o of this.observers) o.legExited?.(id, failure);
    if (LegFailureWindow.givesUp(inWindow, policy)) {
      slot.gaveUp = true;
      this.listener.legGaveUp(this.eventId, id, slot.run, inWindow, failure);
      return;
    }
    this.listener.legExited(this.eventId, id, slot.run, slot.consecutiveFailures, failure, policy);
  }

  private async close(slot: LegSlot, reason: LegStopReason): Promise<void> {
    const id = slot.spec.destinationId;
    if (this.slots.get(id) === slot) this.slots.delete(id);
    if (slot.leg.state === 'live') this.listener.legStopped?.(this.eventId, id, reason);
    await slot.leg.stop();
  }
}

/** The host name of a publish URL (never its path or query, which hold the stream key); '' if unparsable. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

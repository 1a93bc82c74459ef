import { FfmpegLeg } from '../legs/ffmpeg-leg';
import type { LegFailure } from '../legs/leg-failure';
import { DEFAULT_LEG_POLICY, LegFailureWindow } from '../legs/leg-policy';
import type { OutboundLeg, OutboundLegListener } from '../legs/outbound-leg';
import type { ProgramOutput } from '../switcher/program-output';
import type { LegSpec, LegStatus, PipelineListener, PipelineObserver } from './pipeline-types';

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
 * Whether the event is on air is the caller's to check.
 */
export class EventLegs {
  private readonly slots = new Map<string, LegSlot>();

  /** @param observers the pipeline's observers, told about every leg exit before the listener. */
  constructor(
    private readonly eventId: string,
    private readonly program: ProgramOutput,
    private readonly listener: PipelineListener,
    private readonly createLeg: LegFactory,
    private readonly observers: ReadonlySet<PipelineObserver>,
  ) {}

  /** Starts a first run for each destination in `specs` that has no leg yet. */
  startMissing(specs: readonly LegSpec[]): void {
    for (const spec of specs) if (!this.slots.has(spec.destinationId)) this.open(spec, 1);
  }

  /**
   * Closes the legs of destinations not in `destinations` and gives the others their new spec: a changed
   * policy applies from the next failure on; a running leg is not touched. Resolves once closed.
   */
  async applyDestinations(destinations: readonly LegSpec[]): Promise<void> {
    const wanted = new Set(destinations.map((d) => d.destinationId));
    const removed = [...this.slots.values()].filter((slot) => !wanted.has(slot.spec.destinationId));
    await Promise.all(removed.map((slot) => this.close(slot)));
    for (const spec of destinations) {
      const slot = this.slots.get(spec.destinationId);
      if (slot) slot.spec = spec;
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
   * A retry by hand: forgets the destination's failures and, if its leg has exited, starts it now.
   * @returns 'restarted', 'reset' (the leg was running: only its failures were forgotten), or
   *   'not-on-air' (the destination has no leg).
   */
  retry(destinationId: string): 'restarted' | 'reset' | 'not-on-air' {
    const slot = this.slots.get(destinationId);
    if (!slot) return 'not-on-air';
    slot.failures.clear();
    slot.consecutiveFailures = 0;
    if (slot.leg.state !== 'exited') return 'reset';
    this.open(slot.spec, slot.run + 1, slot.bytesBefore + slot.leg.bytesWritten);
    return 'restarted';
  }

  /** Closes every leg cleanly; resolves once all are gone. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.slots.values()].map((slot) => this.close(slot)));
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

  private async close(slot: LegSlot): Promise<void> {
    if (this.slots.get(slot.spec.destinationId) === slot) this.slots.delete(slot.spec.destinationId);
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

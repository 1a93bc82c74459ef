import type { InputRole } from '../ingest/ingest-types';
import type { LegFailure } from '../legs/leg-failure';
import type { LegPolicy } from '../legs/leg-policy';
import type { OutboundLegState } from '../legs/outbound-leg';
import type { InputFeedState } from '../switcher/input-feed';
import type { InputMediaInfo } from '../probe/media-info';
import type { SwitchDecision } from '../switcher/switcher-types';
import type { SlateEnd, SlateStart } from './program-slate';

/** A destination as the pipeline needs it. `publishUrl` holds the stream key: a secret. */
export interface LegSpec {
  readonly destinationId: string;
  readonly publishUrl: string;
  readonly streamKey: string | null;
  /** How the leg is supervised; default {@link DEFAULT_LEG_POLICY}. */
  readonly policy?: LegPolicy;
  /**
   * A supervisor gave up on this destination earlier in the show (its stored state is `failed`, e.g. on
   * the relay this event was taken over from): its leg is not started until a retry by hand.
   */
  readonly gaveUp?: boolean;
}

/**
 * Why a live leg was closed on purpose (timeline `leg_stopped`, detail.reason): its destination was
 * removed; the event was stopped; the event was handed over to, or taken by, another relay; the slate
 * timed out; the pipeline was disposed (relay shutdown, event deleted).
 */
export type LegStopReason =
  'destination_removed' | 'event_stopped' | 'handed_over' | 'slate_timed_out' | 'pipeline_closed';

/**
 * What an event pipeline reports, synchronously from the media path: implementations queue the
 * persistence work and return at once.
 */
export interface PipelineListener {
  inputStateChanged(eventId: string, role: InputRole, state: InputFeedState, reason: string): void;
  /** `onAir`: the event is started, so the switch reached the legs (before that it only chose the input). */
  switched(eventId: string, decision: SwitchDecision, onAir: boolean): void;
  programInterrupted(eventId: string, reason: string): void;
  /** Flap damping turned on or off (see FlapDamper). */
  flapDampingChanged(eventId: string, active: boolean, reason: string): void;
  /** What was probed of an input's media changed (null: the input has no publisher). */
  inputMediaChanged(eventId: string, role: InputRole, media: InputMediaInfo | null): void;
  /** Both inputs down while on air: the legs are on the slate until `start.endsAt` (see ProgramSlate). */
  slateStarted?(eventId: string, start: SlateStart): void;
  /** slateTimeoutMs changed while on the slate: the legs now close at `start.endsAt`. */
  slateDeadlineChanged?(eventId: string, start: SlateStart): void;
  /**
   * The slate ended: an input came back, the event stopped, the slate was turned off, no clip could be
   * made, or it timed out (`legsClosed`: the legs were closed and the pipeline is stopped).
   */
  slateEnded?(eventId: string, end: SlateEnd): void;
  /** The started event's program has media: legs are starting. */
  programLive(eventId: string): void;
  legStateChanged(eventId: string, destinationId: string, state: OutboundLegState): void;
  /** A live leg is being closed on purpose (before it stops; no `legExited` follows). */
  legStopped?(eventId: string, destinationId: string, reason: LegStopReason): void;
  /**
   * A leg ended on its own and should be restarted (`restartLeg`) after a backoff capped by
   * `policy.maxBackoffMs`. `legRun` identifies the run that failed; `consecutiveFailures` counts
   * failures since the leg was last live for a while (1 = first).
   */
  legExited(
    eventId: string,
    destinationId: string,
    legRun: number,
    consecutiveFailures: number,
    failure: LegFailure,
    policy: LegPolicy,
  ): void;
  /**
   * A leg ended on its own for the `failuresInWindow`-th time within its policy's give-up window: it
   * stays down (state `failed`, `failure` says why) until `retryLeg`.
   */
  legGaveUp(
    eventId: string,
    destinationId: string,
    legRun: number,
    failuresInWindow: number,
    failure: LegFailure,
  ): void;
}

/**
 * Watches one pipeline from inside the relay (a rehearsal, a metrics collector). Every method is
 * optional and called synchronously after the PipelineListener: it must not block or throw.
 */
export interface PipelineObserver {
  inputStateChanged?(role: InputRole, state: InputFeedState, reason: string): void;
  switched?(decision: SwitchDecision): void;
  legExited?(destinationId: string, failure: LegFailure): void;
}

/** A leg as seen from outside the pipeline. */
export interface LegStatus {
  readonly destinationId: string;
  readonly state: OutboundLegState;
  /** The run number: 1 for the first connection, +1 per restart. */
  readonly run: number;
  readonly bytesWritten: number;
  /** Host name of the destination's publish URL (no path, no stream key); '' if unparsable. */
  readonly destinationHost: string;
  /** The supervisor gave up on the leg: it stays down until a retry by hand. */
  readonly gaveUp: boolean;
  /** Wall clock (ms) since which the current run has been live, or null. */
  readonly liveSince: number | null;
}

import type { InputRole } from '../ingest/ingest-types';
import type { FlvTag } from '../protocols/flv/flv-tag';
import type { FlapDampingSettings } from './flap-damper';
import type { InputFeedState } from './input-feed';

/** `cached-keyframe`: start the new input at its cached keyframe (no hole, ≤ 1 GOP repeats);
 * `next-keyframe`: wait for its next keyframe (nothing repeats, the picture holds until then). */
export type SwitchAt = 'cached-keyframe' | 'next-keyframe';

/** Failover settings of one event (REST API v1 `failover`). All durations in ms. */
export interface SwitcherSettings {
  /** `primary-preferred` returns to the primary once healthy for failbackAfterMs; `sticky` stays. */
  readonly mode: 'primary-preferred' | 'sticky';
  /** No media frame for this long means the input is lost (200..10000). */
  readonly stallTimeoutMs: number;
  /** How long the primary must be live before failback. */
  readonly failbackAfterMs: number;
  /** Where a loss-driven switch starts the new input; default `cached-keyframe`. */
  readonly switchAt?: SwitchAt;
  /** Default: 3 failovers within 60 s damp until both inputs are stable for 60 s. */
  readonly flapDamping?: FlapDampingSettings;
  /** Also treat an input as lost when its timestamps stop advancing while bytes arrive. Default false. */
  readonly detectFrozenTimestamps?: boolean;
  /** Most the program may run behind or ahead of the wall clock across switches. Default 2000. */
  readonly maxDriftMs?: number;
  /**
   * Both inputs down while the event is on air: the legs stay on a slate this long (ms), then close.
   * 0 disables the slate (the program holds with no media). Default 0 here; events default to 300000.
   */
  readonly slateTimeoutMs?: number;
}

export const DEFAULT_FLAP_DAMPING: FlapDampingSettings = {
  maxFailovers: 3,
  windowMs: 60_000,
  stableMs: 60_000,
};
export const DEFAULT_MAX_DRIFT_MS = 2000;

/**
 * failover: the program moved from the primary to the backup;
 * failback: from the backup to the primary;
 * resume: an input went (back) on air after the program had no input (start, or recovery), or the
 * on-air input was placed again at its live edge after its backlog was skipped (`from` === `to`,
 * `signals.skippedMs` > 0; see BacklogGuard).
 */
export type SwitchKind = 'failover' | 'failback' | 'resume';

/** What a switch decision was based on, for the timeline. Durations in ms. */
export interface SwitchSignals {
  /** Age of the last media frame of the input that was lost, or null for a planned switch. */
  readonly lostInputLastPacketAgeMs: number | null;
  /** From the decision to the new input's first tag on air (waiting for a keyframe). */
  readonly keyframeWaitMs: number;
  /** Program time behind (> 0) or ahead (< 0) of the wall clock before the switch. */
  readonly driftMs: number;
  /** Failovers within the flap-damping window, this one included. */
  readonly recentFailovers: number;
  /** Media frames received from the new input in its current session. */
  readonly newInputFrames: number;
  /** The new input's bitrate (audio + video, kbit/s) and measured frame rate (fps) when it went on air. */
  readonly newInputBitrateKbps: number | null;
  readonly newInputFrameRate: number | null;
  /** The lost input's bitrate (kbit/s) and frame rate (fps) when the switch was decided; null if planned. */
  readonly lostInputBitrateKbps: number | null;
  readonly lostInputFrameRate: number | null;
  /**
   * Largest lead of the new input's media time over the wall clock since it last came back (ms): a
   * backlog it sent faster than real time, kept off the air. About 0 for an input that stayed paced.
   */
  readonly newInputBacklogMs: number;
  /** Input media time (ms) dropped to bring the on-air input back to its live edge; 0 for a switch. */
  readonly skippedMs: number;
}

/** An input's measured rates, for the switch signals; null fields when not measured yet. */
export interface InputRates {
  /** Audio + video tag bytes over the last few seconds of wall clock, kbit/s. */
  readonly bitrateKbps: number | null;
  /** Video frames per second measured from the DTS (else declared by the SPS). */
  readonly frameRate: number | null;
}

/** Measures an input's rates (see probe/InputMediaStats); null when nothing is known. */
export type InputMeter = (role: InputRole) => InputRates | null;

/**
 * A stand-in program source played while no input is on air: the slate (see ../slate). The switcher
 * places it on the program timeline like an input, so program timestamps stay continuous.
 */
export interface ProgramFiller {
  /**
   * Starts emitting tags through `emit`: the AVC and AAC sequence headers first, then media whose DTS
   * (ms) starts at 0 and never goes back. `emit` must only be called from the event loop (timers).
   */
  start(emit: (tag: FlvTag) => void): void;
  /** Stops at once; `emit` is not called again. Idempotent. */
  stop(): void;
}

/** A switch of the program to another input, with the signals that caused it. */
export interface SwitchDecision {
  readonly kind: SwitchKind;
  readonly from: InputRole | null;
  readonly to: InputRole;
  /** Plain words, e.g. "primary disconnected", "primary healthy for 5000 ms". */
  readonly reason: string;
  /** Wall clock (ms) when the switch was decided. */
  readonly decidedAt: number;
  /** Wall clock (ms) when the first tag of the new input went out. */
  readonly committedAt: number;
  /** Program timestamp (ms) of the first tag of the new input. */
  readonly programTimestamp: number;
  /** Timestamp hole (ms) left in the program at the switch beyond one frame interval: 0 when continuous. */
  readonly gapMs: number;
  /** Tags replayed from the GOP cache (1 when the switch waited for a new keyframe). */
  readonly replayedTags: number;
  readonly signals: SwitchSignals;
}

/** Receives what the switcher decides. Called synchronously from the media path: must not block. */
export interface SwitcherListener {
  inputStateChanged(role: InputRole, state: InputFeedState, reason: string): void;
  switched(decision: SwitchDecision): void;
  /** No input is on air any more: the program holds its last frame. */
  programInterrupted(reason: string): void;
  /** Flap damping turned on (`active`) or off, with the reason in plain words. */
  flapDampingChanged?(active: boolean, reason: string): void;
}

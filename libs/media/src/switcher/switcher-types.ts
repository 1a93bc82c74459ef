import type { InputRole } from '../ingest/ingest-types';
import type { InputFeedState } from './input-feed';

/** Failover settings of one event (REST API v1 `failover`). All durations in ms. */
export interface SwitcherSettings {
  /** `primary-preferred` returns to the primary once healthy for failbackAfterMs; `sticky` stays. */
  readonly mode: 'primary-preferred' | 'sticky';
  /** No media frame for this long means the input is lost (200..10000). */
  readonly stallTimeoutMs: number;
  /** How long the primary must be live before failback. */
  readonly failbackAfterMs: number;
}

/**
 * failover: the program moved from the primary to the backup;
 * failback: from the backup to the primary;
 * resume: an input went (back) on air after the program had no input (start, or recovery).
 */
export type SwitchKind = 'failover' | 'failback' | 'resume';

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
  /** Timestamp hole (ms) left in the program at the switch: 0 when continuous. */
  readonly gapMs: number;
  /** Tags replayed from the GOP cache (0 when the switch waited for a new keyframe). */
  readonly replayedTags: number;
}

/** Receives what the switcher decides. Called synchronously from the media path: must not block. */
export interface SwitcherListener {
  inputStateChanged(role: InputRole, state: InputFeedState, reason: string): void;
  switched(decision: SwitchDecision): void;
  /** No input is on air any more: the program holds its last frame. */
  programInterrupted(reason: string): void;
}

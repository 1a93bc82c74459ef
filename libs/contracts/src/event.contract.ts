/**
 * The event JSON of REST API v1 (`GET /v1/events/:id`). This contract is relied on outside the project:
 * extend it, never change a field's meaning.
 */

/** Lifecycle: idle → standby (started, waiting for media) → live (program on air) → ended (stopped). */
export type EventStatus = 'idle' | 'standby' | 'live' | 'ended';
export type InputRole = 'primary' | 'backup';
/** `primary-preferred` returns to the primary once healthy; `sticky` stays on whichever input is on air. */
export type FailoverMode = 'primary-preferred' | 'sticky';
/** offline: no publisher; live: publishing with media flowing; stalled: connected but no media. */
export type IngestState = 'offline' | 'live' | 'stalled';
/** idle → connecting → live; live → retrying → connecting …; retrying → failed after giving up. */
export type LegState = 'idle' | 'connecting' | 'live' | 'retrying' | 'failed';

/** `cached-keyframe`: the new input starts at its last keyframe (no hole, ≤ 1 GOP repeats);
 * `next-keyframe`: at its next keyframe (nothing repeats, the picture holds until then). */
export type SwitchAt = 'cached-keyframe' | 'next-keyframe';

export interface FlapDampingJson {
  /** Failovers within windowMs that hold failback back. */
  maxFailovers: number;
  windowMs: number;
  /** Failback resumes once both inputs have been free of losses this long (ms). */
  stableMs: number;
}

export interface FailoverSettingsJson {
  mode: FailoverMode;
  /** No media for this long (ms) means the input is lost. */
  stallTimeoutMs: number;
  /** The primary must be healthy this long (ms) before failback. */
  failbackAfterMs: number;
  switchAt: SwitchAt;
  /** Both inputs down: legs stay on a slate this long (ms), then close; 0 disables. */
  slateTimeoutMs: number;
  flapDamping: FlapDampingJson;
  /** Also treat an input as lost when its timestamps stop advancing while bytes arrive. */
  detectFrozenTimestamps: boolean;
}

/** What the relay probed of an input's media (codec, resolution, frame rate, …); see libs/media/src/probe. */
export type { InputMediaInfo, MediaWarning } from '@relay/media';
import type { InputMediaInfo, MediaWarning } from '@relay/media';

export interface IngestJson {
  /** `rtmp://<PUBLIC_RTMP_HOST>:<RTMP_PORT>/live` */
  serverUrl: string;
  /**
   * The stream key in full only in the responses of `POST /v1/events` and of
   * `POST /v1/events/:id/ingest/:role/rotate-key` (`streamKeyShown: true`); elsewhere masked to its last 4
   * characters: the relay stores a keyed hash of it and cannot show it again.
   */
  streamKey: string;
  /** `serverUrl + "/" + streamKey`, ready for an encoder (masked like `streamKey`). */
  url: string;
  /** Whether `streamKey` and `url` hold the full key (this response only). */
  streamKeyShown: boolean;
  state: IngestState;
  /** Probed while the input publishes; null when it has no publisher or nothing was probed yet. */
  media: InputMediaInfo | null;
}

export interface DestinationJson {
  id: string;
  name: string;
  url: string;
  /** The destination's stream key with all but its last 4 characters masked, or null. */
  streamKeyMasked: string | null;
  /** srt:// destinations: "********" when an SRT passphrase is set (never shown, not even in part), else null. */
  passphraseMasked: string | null;
  state: LegState;
  restarts: number;
  /**
   * Why the leg last failed, in plain words ("destination refused the stream key", "connection timed
   * out", …), never a stream key; null once the leg is live again. With state `failed`: why it gave up.
   */
  lastError: string | null;
  /** The supervision policy in force for this destination (its overrides, else the event's). */
  legPolicy: LegPolicyJson;
}

/**
 * Leg supervision: restarts back off exponentially with jitter (first within 1 s) up to `maxBackoffMs`;
 * `giveUpAfterFailures` failures within `giveUpWindowMs` put the destination in state `failed` until
 * `POST /v1/events/:id/destinations/:destinationId/retry` (0 failures: never give up).
 */
export interface LegPolicyJson {
  maxBackoffMs: number;
  giveUpAfterFailures: number;
  giveUpWindowMs: number;
}

/** Limits and defaults of {@link LegPolicyJson}, shared by API validation and the relay. */
export const LEG_POLICY_LIMITS = {
  maxBackoffMs: { min: 1000, max: 300_000, default: 30_000 },
  giveUpAfterFailures: { min: 0, max: 1000, default: 10 },
  giveUpWindowMs: { min: 10_000, max: 86_400_000, default: 600_000 },
} as const;

/** While both inputs are down and the legs are kept on the slate (ISO 8601 times). */
export interface SlateJson {
  /** When both inputs were found down. */
  since: string;
  /** When the legs close and the event ends unless an input comes back (`since + slateTimeoutMs`). */
  endsAt: string;
}

export interface EventJson {
  id: string;
  name: string;
  status: EventStatus;
  /**
   * Why the event is in its status, in plain words, or null when there is nothing to explain, e.g.
   * "ended: no input for 300 s: the slate timed out and the legs were closed",
   * "ended: stopped with POST /v1/events/:id/stop", "on the slate: both inputs down: …".
   */
  statusReason: string | null;
  activeInput: InputRole | null;
  /** Non-null while the legs are on the slate (both inputs down); activeInput is then null. */
  slate: SlateJson | null;
  failover: FailoverSettingsJson;
  /** Leg supervision defaults of the event's destinations (each may override them). */
  legPolicy: LegPolicyJson;
  ingest: { primary: IngestJson; backup: IngestJson };
  destinations: DestinationJson[];
  /** What differs between the primary's and the backup's media, and what the platforms may do about it. */
  warnings: MediaWarning[];
  createdAt: string;
  updatedAt: string;
}

/** Limits of the failover settings, shared by API validation and the relay. */
export const FAILOVER_LIMITS = {
  stallTimeoutMs: { min: 200, max: 10_000, default: 1000 },
  failbackAfterMs: { min: 0, max: 600_000, default: 5000 },
  slateTimeoutMs: { min: 0, max: 3_600_000, default: 300_000 },
  flapMaxFailovers: { min: 0, max: 20, default: 3 },
  flapWindowMs: { min: 1000, max: 3_600_000, default: 60_000 },
  flapStableMs: { min: 0, max: 3_600_000, default: 60_000 },
} as const;

export type RehearsalStatus = 'running' | 'completed' | 'aborted';

/** A failover rehearsal (REST API v1 `/v1/events/:id/rehearsals`). Durations in ms. */
export interface RehearsalJson {
  id: string;
  status: RehearsalStatus;
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  /** pass only when the backup was on air within 1 s, no leg reconnected and the backup stayed live. */
  verdict: 'pass' | 'fail' | null;
  /** From the drop to the switch decision. */
  detectionMs: number | null;
  /** Hole in the program timeline at the switch, beyond one frame interval. */
  switchGapMs: number | null;
  failbackGapMs: number | null;
  legReconnects: number;
  legs: Array<{ destinationId: string; stayedConnected: boolean; bytesDuringSwitch: number }>;
  reasons: string[];
}

export const REHEARSAL_LIMITS = { durationMs: { min: 5000, max: 600_000, default: 30_000 } } as const;

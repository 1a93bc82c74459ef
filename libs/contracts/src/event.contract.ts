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

export interface FailoverSettingsJson {
  mode: FailoverMode;
  /** No media for this long (ms) means the input is lost. */
  stallTimeoutMs: number;
  /** The primary must be healthy this long (ms) before failback. */
  failbackAfterMs: number;
}

export interface IngestJson {
  /** `rtmp://<PUBLIC_RTMP_HOST>:<RTMP_PORT>/live` */
  serverUrl: string;
  streamKey: string;
  /** `serverUrl + "/" + streamKey`, ready for an encoder. */
  url: string;
  state: IngestState;
}

export interface DestinationJson {
  id: string;
  name: string;
  url: string;
  /** The destination's stream key with all but its last 4 characters masked, or null. */
  streamKeyMasked: string | null;
  state: LegState;
  restarts: number;
}

export interface EventJson {
  id: string;
  name: string;
  status: EventStatus;
  activeInput: InputRole | null;
  failover: FailoverSettingsJson;
  ingest: { primary: IngestJson; backup: IngestJson };
  destinations: DestinationJson[];
  createdAt: string;
  updatedAt: string;
}

/** Limits of the failover settings, shared by API validation and the relay. */
export const FAILOVER_LIMITS = {
  stallTimeoutMs: { min: 200, max: 10_000, default: 1000 },
  failbackAfterMs: { min: 0, max: 600_000, default: 5000 },
} as const;

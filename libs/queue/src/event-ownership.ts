import type { JobsOptions, WorkerOptions } from 'bullmq';

/**
 * Event ownership through BullMQ. An on-air event has one job `own-<eventId>` in queue `event-owner`;
 * the relay process whose worker holds that job's lock owns the event: it alone runs the event's legs.
 * The owner renews the lock itself every {@link OWNER_RENEW_MS}. When it dies, the lock expires after
 * {@link OWNER_LOCK_MS}; the stalled-job check of any relay (every {@link OWNER_STALLED_INTERVAL_MS})
 * puts the job back in `wait`, and a relay's worker takes it: the takeover. Worst case after a crash:
 * lock + 2 × stalled interval + {@link OWNER_TAKEOVER_GRACE_MS} ≈ 11.5 s, plus the legs' connect time
 * (BullMQ docs, "Stalled Jobs": a job is moved back when its lock is missing at two consecutive checks).
 */

/** Lock of an owner job, ms. Short: a crashed owner's event is free again after this long. */
export const OWNER_LOCK_MS = 6_000;

/** How often an owner renews its lock, ms (a quarter of the lock: three renewals may fail in a row). */
export const OWNER_RENEW_MS = 1_500;

/** Longest wait for Redis to answer a renewal, ms; no answer means "Redis unreachable", not "lock lost". */
export const OWNER_RENEW_TIMEOUT_MS = 1_000;

/** Stalled-job check of the owner queue, ms (BullMQ's default, 30 s, is too slow for live video). */
export const OWNER_STALLED_INTERVAL_MS = 2_000;

/**
 * A new owner taking an event over from another live-looking process waits this long before starting
 * legs (ms): longer than one renewal period, so a stale owner has seen its lock taken and stopped its legs.
 */
export const OWNER_TAKEOVER_GRACE_MS = 1_600;

/** How often an owner re-reads its event's status in PostgreSQL, ms (a stop made through another relay). */
export const OWNER_STATUS_POLL_MS = 2_000;

/** Events one relay process may own at once (the owner worker's concurrency). */
export const OWNER_MAX_EVENTS = 200;

/**
 * A job for an event owned by another relay is passed on at most this many times, every
 * {@link FORWARD_DELAY_MS}: 15 s, longer than a takeover (a dead owner's job still looks active until then).
 */
export const MAX_FORWARD_HOPS = 150;
export const FORWARD_DELAY_MS = 100;

/**
 * Options of the owner worker. BullMQ's own lock renewal is off: the owner renews its locks itself, so
 * that a failed renewal stops its legs (fencing). A takeover is not a failure: `maxStalledCount` is high.
 */
export const OWNER_WORKER_OPTIONS: Pick<
  WorkerOptions,
  'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'skipLockRenewal'
> = {
  concurrency: OWNER_MAX_EVENTS,
  lockDuration: OWNER_LOCK_MS,
  stalledInterval: OWNER_STALLED_INTERVAL_MS,
  maxStalledCount: 1_000_000,
  skipLockRenewal: true,
};

export const EventOwnerJob = {
  /** Runs for as long as the event is on air on the relay process that took it. */
  Own: 'own-event',
} as const;
export type EventOwnerJob = (typeof EventOwnerJob)[keyof typeof EventOwnerJob];

/** Payload of the {@link EventOwnerJob.Own} job. */
export interface EventOwnerPayload {
  readonly eventId: string;
}

/**
 * Added to an event-pipeline or leg-supervisor payload when a relay that does not own the event passed
 * the job on to the queue again (so the owner's worker gets it): how many times it was.
 */
export interface ForwardedPayload {
  readonly hops?: number;
}

/** The owner job's id: deterministic, so a duplicate start adds nothing. */
export function ownerJobId(eventId: string): string {
  return `own-${eventId}`;
}

/** Options of the owner job: removed when done, so the event can be owned again after a later start. */
export const OWNER_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 1,
};

/** What the owner writes in its job's progress, for the next owner (who it takes over from, and how). */
export interface OwnerProgress {
  /** `<host>/<pid>:<rtmp port>` of the owner. */
  readonly relay: string;
  /** When it took the event, ms since epoch. */
  readonly since: number;
  /** Set when the owner handed the event over (on shutdown, or to the relay its encoders publish to), ms since epoch. */
  readonly handedOverAt?: number;
  /** Why it handed the event over, in plain words. */
  readonly handoverReason?: string;
}

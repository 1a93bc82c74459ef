/**
 * BullMQ queues, job names and payloads shared by the API (producer) and the relay (workers).
 * One place, so a name or payload cannot drift between the two apps.
 */
export const QueueName = {
  /** Start, stop and resync of an event's pipeline (switcher, program output, legs). */
  EventPipeline: 'event-pipeline',
  /** Delayed restarts of failed legs, with exponential backoff. */
  LegSupervisor: 'leg-supervisor',
  /** One long-running job per on-air event: the relay process running it owns the event (see event-ownership). */
  EventOwner: 'event-owner',
  /** Signed POSTs of outgoing webhooks, retried with backoff (see webhook-delivery). */
  WebhookDelivery: 'webhook-delivery',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * Redis pub/sub channel (not a queue) on which the relay and the API announce that an event, its legs,
 * its rehearsal or its timeline changed in PostgreSQL; the API's status streams re-read it (see
 * event-changes).
 */
export const EVENT_CHANGES_CHANNEL = 'event-changes';

export const EventPipelineJob = {
  Start: 'start-event',
  Stop: 'stop-event',
  /** Destinations or failover settings changed: apply them to the running pipeline. */
  Sync: 'sync-event',
  /** Run the failover rehearsal `rehearsalId` (payload) on the live pipeline. */
  Rehearse: 'rehearse',
  /** Start the leg of `destinationId` (payload) again now, its failures forgotten (a retry by hand). */
  RetryLeg: 'retry-leg',
} as const;
export type EventPipelineJob = (typeof EventPipelineJob)[keyof typeof EventPipelineJob];

export const LegSupervisorJob = {
  Restart: 'restart-leg',
} as const;
export type LegSupervisorJob = (typeof LegSupervisorJob)[keyof typeof LegSupervisorJob];

/**
 * Payload of every event-pipeline job; `rehearsalId` only with {@link EventPipelineJob.Rehearse},
 * `destinationId` only with {@link EventPipelineJob.RetryLeg}.
 */
export interface EventPipelinePayload {
  readonly eventId: string;
  readonly rehearsalId?: string;
  readonly destinationId?: string;
}

/** Payload of a leg restart: `attempt` counts consecutive failures (1 = first restart). */
export interface LegRestartPayload {
  readonly eventId: string;
  readonly destinationId: string;
  readonly attempt: number;
  /** Identifies the leg run that failed, so a stale restart (leg already restarted or removed) is ignored. */
  readonly legRun: number;
}

/**
 * Exponential backoff with "equal jitter" for a leg restart (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"): with ceiling = min(maxMs, minMs * 2^(attempt-1)), a random delay in [ceiling/2, ceiling].
 * The delay keeps growing with the attempts (a refusing destination is not hammered) yet two legs that
 * failed together do not retry together. With minMs ≤ 1000 the first restart comes within 1 s.
 *
 * @param attempt 1 for the first restart
 * @param minMs ceiling of the first delay, ms
 * @param maxMs cap of every delay, ms (the destination's `maxBackoffMs`)
 * @returns delay in ms
 */
export function legRestartDelayMs(
  attempt: number,
  minMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

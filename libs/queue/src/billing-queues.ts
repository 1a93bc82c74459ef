import type { JobsOptions } from 'bullmq';

/**
 * BullMQ queues of billing, worked by the API process (Stripe is the API's business; the relay never
 * holds Stripe credentials).
 */
export const BillingQueueName = {
  /** One job per Stripe webhook event received (jobId = the Stripe event id). */
  StripeEvents: 'billing-stripe-events',
  /** Repeatable usage metering: destination-minutes on air sent to Stripe as meter events. */
  Usage: 'billing-usage',
} as const;
export type BillingQueueName = (typeof BillingQueueName)[keyof typeof BillingQueueName];

export const BillingJob = {
  /** Apply the stored Stripe event `stripeEventId` (payload) to the subscription state. */
  ApplyStripeEvent: 'apply-stripe-event',
  /** Count and send the usage of one metering window (payload `windowStart`, or the window just ended). */
  ReportUsage: 'report-usage',
} as const;
export type BillingJob = (typeof BillingJob)[keyof typeof BillingJob];

/** Payload of {@link BillingJob.ApplyStripeEvent}: the event's body is read from PostgreSQL. */
export interface StripeEventPayload {
  readonly stripeEventId: string;
}

/** Payload of {@link BillingJob.ReportUsage}: ISO start of the window; absent: the window just ended. */
export interface UsageReportPayload {
  readonly windowStart?: string;
}

/**
 * Options of billing jobs: retried after 1, 2, 4 … 256 s (about 8.5 minutes) while Stripe or PostgreSQL
 * is away. Every billing job is idempotent (a Stripe event applies once; a usage window keeps its value
 * and its meter event identifier across retries).
 */
export const BILLING_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: 1000,
  removeOnFail: 1000,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
};

import type { JobsOptions } from 'bullmq';

export const WebhookDeliveryJob = {
  /** POST the delivery row `deliveryId` (payload) to its endpoint. */
  Deliver: 'deliver-webhook',
} as const;
export type WebhookDeliveryJob = (typeof WebhookDeliveryJob)[keyof typeof WebhookDeliveryJob];

/** Payload of a webhook delivery job: everything else is read from the delivery row. */
export interface WebhookDeliveryPayload {
  readonly deliveryId: string;
}

/** Attempts of one delivery: the first and 7 retries. */
export const WEBHOOK_MAX_ATTEMPTS = 8;

/**
 * Options of a delivery job: {@link WEBHOOK_MAX_ATTEMPTS} attempts with BullMQ's exponential backoff,
 * retry n (1-based) after `baseDelayMs · 2^(n-1)`. With the default 30 s: 0.5, 1, 2, 4, 8, 16, 32 min,
 * about 64 min from the first attempt to the last. `jobId` is the delivery id: a delivery is queued once.
 *
 * @param baseDelayMs first retry delay, ms (WEBHOOK_RETRY_BASE_DELAY_MS)
 */
export function webhookDeliveryJobOptions(deliveryId: string, baseDelayMs: number): JobsOptions {
  return {
    jobId: deliveryId,
    attempts: WEBHOOK_MAX_ATTEMPTS,
    backoff: { type: 'exponential', delay: baseDelayMs },
    removeOnComplete: 1000,
    removeOnFail: 1000,
  };
}

/**
 * When BullMQ runs the next attempt after attempt `attemptsMade` (1-based) failed, or null when it was
 * the last: the same formula as its exponential backoff, `baseDelayMs · 2^(attemptsMade-1)` ms from now.
 */
export function webhookNextAttemptAt(
  attemptsMade: number,
  baseDelayMs: number,
  now = Date.now(),
): Date | null {
  if (attemptsMade >= WEBHOOK_MAX_ATTEMPTS) return null;
  return new Date(now + baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
}

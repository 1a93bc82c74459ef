import { Injectable, Logger } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { signWebhookPayload, WebhookHeader } from '@relay/contracts';
import { WEBHOOK_MAX_ATTEMPTS, webhookNextAttemptAt } from '@relay/queue';
import { UnrecoverableError } from 'bullmq';
import { sendWebhook, WebhookSendError, type WebhookResponse } from './webhook-sender';
import { WebhookDeliveriesRepository } from './webhooks.repository';

/**
 * `Relay-Signature` with one `v1` per secret, in order: `t=…,v1=<current>,v1=<previous>` while a rotated
 * secret is in its grace period (as Stripe signs during a rotation), so a receiver checking either passes.
 *
 * @throws Error when there is no secret (an endpoint always has one)
 */
export function signWithSecrets(secrets: readonly string[], body: string, timestampSec: number): string {
  if (secrets.length === 0) throw new Error('webhook endpoint has no signing secret');
  const [first, ...rest] = secrets.map((s) => signWebhookPayload(s, body, timestampSec));
  return [first!, ...rest.map((h) => h.slice(h.indexOf(',') + 1))].join(',');
}

/**
 * Sends one attempt of a webhook delivery and stores its outcome on the delivery row. A 2xx answer is a
 * success; any other answer or no answer throws, so BullMQ retries with backoff until the last attempt.
 * Logs name the delivery and endpoint ids, never the URL (it may carry a token) nor the secret.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly config: EnvironmentVariables,
  ) {}

  /**
   * @param attempt 1-based number of this attempt
   * @throws Error to be retried; UnrecoverableError when no retry can help (refused address)
   */
  async deliver(deliveryId: string, attempt: number): Promise<'sent' | 'skipped'> {
    const delivery = await this.deliveries.find(deliveryId);
    if (!delivery || delivery.status !== 'pending') return 'skipped';
    if (!delivery.endpoint.enabled) {
      await this.deliveries.recordAttempt(deliveryId, {
        status: 'failed',
        attempts: attempt - 1,
        statusCode: null,
        error: 'the webhook was disabled before this delivery was sent',
        response: null,
        nextAttemptAt: null,
      });
      return 'skipped';
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'RestreamRelay-Webhooks/1',
      [WebhookHeader.Signature]: signWithSecrets(delivery.endpoint.secrets, body, timestamp),
      [WebhookHeader.EventId]: delivery.payload.id,
      [WebhookHeader.EventType]: delivery.payload.type,
    };
    let response: WebhookResponse | null = null;
    let error: WebhookSendError | null = null;
    try {
      response = await sendWebhook(delivery.endpoint.url, body, headers, {
        timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
        allowPrivate: this.config.WEBHOOKS_ALLOW_PRIVATE_URLS,
      });
    } catch (caught) {
      if (!(caught instanceof WebhookSendError)) throw caught;
      error = caught;
    }
    const ok = response !== null && response.statusCode >= 200 && response.statusCode < 300;
    const last = ok || attempt >= WEBHOOK_MAX_ATTEMPTS || error?.permanent === true;
    const why = error ? error.message : ok ? null : `the receiver answered HTTP ${response?.statusCode}`;
    await this.deliveries.recordAttempt(deliveryId, {
      status: ok ? 'succeeded' : last ? 'failed' : 'pending',
      attempts: attempt,
      statusCode: response?.statusCode ?? null,
      error: why,
      response: response?.excerpt ?? null,
      nextAttemptAt: last ? null : webhookNextAttemptAt(attempt, this.config.WEBHOOK_RETRY_BASE_DELAY_MS),
    });
    if (ok) return 'sent';
    const summary = `Webhook delivery ${deliveryId} (${delivery.payload.type}, endpoint ${delivery.endpoint.id}) attempt ${attempt}/${WEBHOOK_MAX_ATTEMPTS} failed: ${why}`;
    this.logger.warn(last ? `${summary}; giving up` : summary);
    if (error?.permanent) throw new UnrecoverableError(why ?? 'refused');
    throw new Error(why ?? 'failed');
  }
}

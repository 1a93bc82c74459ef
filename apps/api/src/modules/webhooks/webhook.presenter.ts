import type { WebhookDelivery, WebhookEndpoint } from '@relay/prisma';

/** A webhook endpoint as the API shows it; the secret only in the answer to its creation or rotation. */
export interface WebhookJson {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  /** `whsec_…`: only in the answers of `POST /v1/webhooks` and `POST /v1/webhooks/:id/rotate-secret`. */
  secret?: string;
  /** Until when deliveries are also signed with the secret a rotation replaced; only in its answer. */
  previousSecretExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
  /** Newest first; only in `GET /v1/webhooks/:id`. */
  deliveries?: WebhookDeliveryJson[];
}

export interface WebhookDeliveryJson {
  id: string;
  /** The payload's `id` (`Relay-Event-Id`). */
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastResponse: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export function presentWebhook(
  endpoint: WebhookEndpoint,
  extra: { secret?: string; deliveries?: WebhookDelivery[] } = {},
): WebhookJson {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    ...(extra.secret !== undefined ? { secret: extra.secret } : {}),
    ...(extra.secret !== undefined && endpoint.previousSecretExpiresAt
      ? { previousSecretExpiresAt: endpoint.previousSecretExpiresAt.toISOString() }
      : {}),
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    ...(extra.deliveries ? { deliveries: extra.deliveries.map(presentDelivery) } : {}),
  };
}

function presentDelivery(d: WebhookDelivery): WebhookDeliveryJson {
  return {
    id: d.id,
    eventId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastResponse: d.lastResponse,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

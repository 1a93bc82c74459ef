import { createHmac, timingSafeEqual } from 'node:crypto';

/** Event types an organization can subscribe a webhook endpoint to (README "Webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  'event.live',
  'event.failover',
  'event.failback',
  'event.slate_started',
  'event.slate_ended',
  'leg.failed',
  'rehearsal.completed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Whether `value` is one of {@link WEBHOOK_EVENT_TYPES}. */
export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** Body of every webhook POST (JSON). `id` is the same for every endpoint and every retry. */
export interface WebhookPayloadJson {
  /** `evt_…`: receivers drop a second delivery of the same id. */
  id: string;
  type: WebhookEventType;
  /** When it happened, ISO 8601. */
  createdAt: string;
  /** `eventId` (the relay event) and what the type adds, e.g. `from`/`to` of a failover. */
  data: Record<string, unknown>;
}

/** Header names of a webhook request. */
export const WebhookHeader = {
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` (several v1 allowed). */
  Signature: 'relay-signature',
  /** The payload's `id`, for idempotency. */
  EventId: 'relay-event-id',
  EventType: 'relay-event-type',
} as const;

/** Replay window of {@link verifyWebhookSignature}, seconds (as Stripe's default). */
export const WEBHOOK_SIGNATURE_TOLERANCE_SEC = 300;
/** Longest `Relay-Signature` header {@link verifyWebhookSignature} looks at, characters. */
const MAX_SIGNATURE_HEADER_LENGTH = 1024;

/** Hex HMAC-SHA256 of `${timestamp}.${body}` keyed with the secret's UTF-8 bytes. */
function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The `Relay-Signature` header for `body` sent at `timestampSec` (scheme of Stripe's and Standard
 * Webhooks' signatures: HMAC-SHA256 over "timestamp.body", the timestamp inside the signed bytes).
 *
 * @param secret the endpoint's `whsec_…` secret, used as is (UTF-8) as the HMAC key
 * @param body the exact bytes sent
 * @param timestampSec unix time, seconds
 */
export function signWebhookPayload(secret: string, body: string | Buffer, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/**
 * Whether `header` (the `Relay-Signature` request header) signs `body` with `secret`, at a time
 * within `toleranceSec` of `nowSec`. Compares in constant time; never throws: a missing, oversized or
 * malformed header, a stale or future timestamp, or a wrong signature give false.
 *
 * @param body the raw request body, exactly as received (not re-serialized JSON)
 * @param toleranceSec allowed clock difference, seconds (default {@link WEBHOOK_SIGNATURE_TOLERANCE_SEC})
 * @param nowSec unix time, seconds (default now)
 */
export function verifyWebhookSignature(
  body: string | Buffer,
  header: string | undefined | null,
  secret: string,
  toleranceSec = WEBHOOK_SIGNATURE_TOLERANCE_SEC,
  nowSec = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== 'string' || header.length > MAX_SIGNATURE_HEADER_LENGTH) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

/**
 * A local HTTP stand-in for the Stripe API: a MOCK, because the real api.stripe.com cannot be reached from
 * here (no internet). It implements only the calls Restream Relay makes, answering in Stripe's JSON
 * shapes, and records every request for assertions:
 *
 *   POST /v1/customers                   → customer `cus_test_<n>`
 *   POST /v1/checkout/sessions           → session `cs_test_<n>` with `url` on this server
 *   POST /v1/billing_portal/sessions     → session `bps_test_<n>` with `url` on this server
 *   POST /v1/billing/meter_events        → meter event; counted once per `identifier`
 *
 * Its limits (see README "Billing"): no authentication beyond requiring a Bearer key; no validation of
 * prices, customers or URLs; `Idempotency-Key` replays the first answer (as Stripe does for 24 h); a
 * meter event whose `identifier` was already counted is refused with 400 (Stripe enforces uniqueness of
 * identifiers over at least 24 h; the exact error it answers is not reproduced); nothing expires; any other
 * path answers 404. `dropMeterEventAnswers(n)`: the next n meter events are counted but their answers lost
 * (socket closed), like a network failure after Stripe took the event.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received; `params` is the form body flattened (`payload[value]` → key). */
export interface StandInCall {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey: string | null;
}

/** A meter event as counted: one per identifier. */
export interface CountedMeterEvent {
  identifier: string;
  eventName: string;
  customer: string;
  value: number;
  timestamp: number;
}

export interface StripeStandIn {
  /** `http://127.0.0.1:<port>`, for STRIPE_API_BASE. */
  readonly url: string;
  readonly calls: StandInCall[];
  readonly meterEvents: Map<string, CountedMeterEvent>;
  dropMeterEventAnswers(count: number): void;
  close(): Promise<void>;
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const calls: StandInCall[] = [];
  const meterEvents = new Map<string, CountedMeterEvent>();
  const replies = new Map<string, { status: number; body: unknown }>();
  let next = 0;
  let dropAnswers = 0;
  let url = '';

  const handle = (path: string, params: Record<string, string>): { status: number; body: unknown } => {
    const id = ++next;
    switch (path) {
      case '/v1/customers':
        return { status: 200, body: { id: `cus_test_${id}`, object: 'customer', metadata: {} } };
      case '/v1/checkout/sessions':
        return {
          status: 200,
          body: {
            id: `cs_test_${id}`,
            object: 'checkout.session',
            mode: params.mode,
            customer: params.customer,
            url: `${url}/checkout/cs_test_${id}`,
          },
        };
      case '/v1/billing_portal/sessions':
        return {
          status: 200,
          body: {
            id: `bps_test_${id}`,
            object: 'billing_portal.session',
            url: `${url}/portal/bps_test_${id}`,
          },
        };
      case '/v1/billing/meter_events': {
        const identifier = params.identifier ?? `auto_${id}`;
        if (meterEvents.has(identifier)) {
          return {
            status: 400,
            body: {
              error: { type: 'invalid_request_error', message: `identifier ${identifier} already used` },
            },
          };
        }
        meterEvents.set(identifier, {
          identifier,
          eventName: params.event_name ?? '',
          customer: params['payload[stripe_customer_id]'] ?? '',
          value: Number(params['payload[value]']),
          timestamp: Number(params.timestamp),
        });
        return {
          status: 200,
          body: { object: 'billing.meter_event', identifier, event_name: params.event_name, livemode: false },
        };
      }
      default:
        return {
          status: 404,
          body: { error: { type: 'invalid_request_error', message: `No such path ${path}` } },
        };
    }
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const key = request.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' ? key : null;
      calls.push({ method: request.method ?? '', path, params, idempotencyKey });
      if (!/^Bearer \S+/.test(request.headers.authorization ?? '')) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'No API key' } }));
        return;
      }
      const replayKey = idempotencyKey ? `${path} ${idempotencyKey}` : null;
      const reply = (replayKey && replies.get(replayKey)) || handle(path, params);
      if (replayKey) replies.set(replayKey, reply);
      if (path === '/v1/billing/meter_events' && dropAnswers > 0) {
        dropAnswers -= 1;
        request.socket.destroy();
        return;
      }
      response.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${next}` });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    meterEvents,
    dropMeterEventAnswers(count: number) {
      dropAnswers = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

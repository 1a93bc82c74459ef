import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  requestBody?: { content: Record<string, { examples?: Record<string, unknown>; schema?: unknown }> };
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

/** Every route the API serves, as the controllers declare them (OpenAPI path syntax). */
const ROUTES: Record<string, string[]> = {
  '/healthz': ['get'],
  '/readyz': ['get'],
  '/v1/events': ['post', 'get'],
  '/v1/events/{id}': ['get', 'patch', 'delete'],
  '/v1/events/{id}/start': ['post'],
  '/v1/events/{id}/stop': ['post'],
  '/v1/events/{id}/stream': ['get'],
  '/v1/events/{id}/ingest/{role}/rotate-key': ['post'],
  '/v1/events/{eventId}/destinations': ['post'],
  '/v1/events/{eventId}/destinations/{destinationId}': ['patch', 'delete'],
  '/v1/events/{eventId}/destinations/{destinationId}/retry': ['post'],
  '/v1/events/{eventId}/timeline': ['get'],
  '/v1/events/{eventId}/rehearsals': ['post', 'get'],
  '/v1/events/{eventId}/rehearsals/{rehearsalId}': ['get'],
  '/v1/api-keys': ['post', 'get'],
  '/v1/api-keys/{id}': ['delete'],
  '/v1/webhooks': ['post', 'get'],
  '/v1/webhooks/{id}': ['get', 'patch', 'delete'],
  '/v1/webhooks/{id}/rotate-secret': ['post'],
  '/v1/billing': ['get'],
  '/v1/billing/checkout-session': ['post'],
  '/v1/billing/portal-session': ['post'],
  '/v1/billing/webhook': ['post'],
};
const ERROR_REF = '#/components/schemas/ApiErrorSchema';

describe('OpenAPI description', { timeout: 90_000 }, () => {
  let stack: RelayStack;
  let doc: OpenApiDocument;

  before(async () => {
    // Billing on, so its routes are served and described; Stripe is never called in this test.
    stack = await startRelayStack({
      STRIPE_SECRET_KEY: 'sk_test_stand_in',
      STRIPE_WEBHOOK_SECRET: 'whsec_stand_in',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
      STRIPE_PRICE_CREATOR: 'price_creator',
      STRIPE_PRICE_PRO: 'price_pro',
    });
    const response = await fetch(`${stack.apiUrl}/docs-json`);
    assert.equal(response.status, 200);
    doc = (await response.json()) as OpenApiDocument;
  });
  after(() => stack?.stop());

  it('is served as JSON without an API key and lists every route with its methods', () => {
    assert.match(doc.openapi, /^3\./);
    for (const [path, methods] of Object.entries(ROUTES)) {
      assert.ok(doc.paths[path], `${path} is described`);
      for (const method of methods) assert.ok(doc.paths[path][method], `${method.toUpperCase()} ${path}`);
    }
  });

  it('describes errors with the one error shape, referenced by 4xx and 503 answers', () => {
    const error = doc.components.schemas.ApiErrorSchema;
    assert.ok(error?.properties?.error, 'ApiErrorSchema has an "error" property');
    const create = doc.paths['/v1/events']!.post!;
    for (const status of ['400', '401', '402', '429']) {
      assert.equal(create.responses[status]?.content?.['application/json']?.schema?.$ref, ERROR_REF, status);
    }
    const ready = doc.paths['/readyz']!.get!;
    assert.equal(ready.responses['503']?.content?.['application/json']?.schema?.$ref, ERROR_REF);
    const withRefs = Object.values(doc.paths)
      .flatMap((methods) => Object.values(methods))
      .filter((op) =>
        Object.entries(op.responses).some(
          ([status, r]) =>
            Number(status) >= 400 && r.content?.['application/json']?.schema?.$ref === ERROR_REF,
        ),
      );
    assert.equal(withRefs.length, Object.values(ROUTES).flat().length - 1, 'all but /healthz answer errors');
  });

  it('gives examples for event creation, and the event answer shape', async () => {
    const body = doc.paths['/v1/events']!.post!.requestBody!.content['application/json']!;
    const examples = body.examples ?? {};
    assert.ok(Object.keys(examples).length >= 1, 'POST /v1/events has request examples');
    const first = Object.values(examples)[0] as { value: { name: string } };
    // The example is accepted by the API as it stands.
    const created = await stack.request<{ name: string }>('POST', '/v1/events', first.value);
    assert.equal(created.status, 201);
    assert.equal(created.body.name, first.value.name);
    const event = doc.components.schemas.EventSchema;
    for (const field of ['id', 'status', 'failover', 'ingest', 'destinations'])
      assert.ok(event?.properties?.[field], `EventSchema.${field}`);
  });

  it('serves the UI at /docs as HTML', async () => {
    const response = await fetch(`${stack.apiUrl}/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await response.text(), /swagger-ui/i);
  });
});

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import {
  createHttpRequestDuration,
  httpMetricsMiddleware,
  routeTemplate,
  UNMATCHED_ROUTE,
} from './http-metrics';

class FakeResponse extends EventEmitter {
  statusCode = 200;
}

describe('HTTP request duration', () => {
  it('labels a request by its route template, never its URL', async () => {
    const registry = new Registry();
    const middleware = httpMetricsMiddleware(createHttpRequestDuration(registry));
    const req: { method: string; url: string; route?: { path: string } } = {
      method: 'get',
      url: '/v1/events/0b7e4a52-3f0e-4c1e-9a43-5b8a0d2f6c11?key=secret',
    };
    const res = new FakeResponse();
    let called = false;
    middleware(req, res, () => (called = true));
    assert.ok(called, 'next() is called at once');
    req.route = { path: '/v1/events/:id' }; // set by the router when the route matches
    res.statusCode = 404;
    res.emit('finish');
    const text = await registry.metrics();
    assert.match(
      text,
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/events\/:id",status_class="4xx"\} 1/,
    );
    assert.doesNotMatch(text, /0b7e4a52|secret/);
  });

  it('labels a request no controller route matched as unmatched, also under a catch-all middleware route', async () => {
    const registry = new Registry();
    const middleware = httpMetricsMiddleware(createHttpRequestDuration(registry));
    const catchAll = { path: '{/*splat}' }; // how NestJS mounts a middleware for every route
    const res = new FakeResponse();
    middleware({ method: 'GET', route: catchAll }, res, () => undefined);
    res.statusCode = 404;
    res.emit('finish');
    assert.match(await registry.metrics(), /route="unmatched",status_class="4xx"\} 1/);
  });

  it('builds the template from the base URL and the route path', () => {
    assert.equal(routeTemplate({ method: 'GET' }), UNMATCHED_ROUTE);
    assert.equal(routeTemplate({ baseUrl: '/v1', route: { path: '/events' } }), '/v1/events');
    assert.equal(routeTemplate({ route: { path: '' } }), '/');
  });
});

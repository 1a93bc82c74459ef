import { Histogram, type Registry } from 'prom-client';
import { httpMethodLabel, statusClass } from './bounded-labels';

/** Label names of {@link HTTP_REQUEST_DURATION}. */
export type HttpDurationLabel = 'method' | 'route' | 'status_class';

/** Name of the HTTP latency histogram (seconds), labelled by method, route template and status class. */
export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';

/** Histogram buckets in seconds: 5 ms to 10 s, for an API whose answers mostly take a few ms. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The `route` label of a request that matched no route (a 404 from the router): raw URLs never appear. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Registers the HTTP request duration histogram ({@link HTTP_REQUEST_DURATION}) in `registry`. */
export function createHttpRequestDuration(registry: Registry): Histogram<HttpDurationLabel> {
  return new Histogram({
    name: HTTP_REQUEST_DURATION,
    help: 'Time from receiving an HTTP request to finishing its answer, in seconds, by route template',
    labelNames: ['method', 'route', 'status_class'],
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
}

/** What the middleware reads of an Express request: the matched route's template, never the URL. */
export interface RoutedRequest {
  readonly method?: string;
  readonly baseUrl?: string;
  readonly route?: { readonly path?: unknown };
}

/** What the middleware reads of an Express response. */
export interface FinishingResponse {
  readonly statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * The route template of a request once routing is done: `baseUrl` + the matched route's path
 * (e.g. `/v1/events/:id`), or {@link UNMATCHED_ROUTE}. Express sets `req.route` to the last route layer
 * that matched; `middlewareRoute` is the one that was current when the middleware ran (NestJS mounts a
 * middleware as a catch-all route, `{/*splat}`): still seeing it means no controller route matched.
 */
export function routeTemplate(req: RoutedRequest, middlewareRoute?: RoutedRequest['route']): string {
  const path = req.route?.path;
  if (typeof path !== 'string' || (middlewareRoute !== undefined && req.route === middlewareRoute))
    return UNMATCHED_ROUTE;
  return `${req.baseUrl ?? ''}${path}` || '/';
}

/**
 * Express middleware observing every request's duration in `histogram` when its answer is finished,
 * labelled by method, route template ({@link routeTemplate}) and status class. Mount it before routing.
 */
export function httpMetricsMiddleware(
  histogram: Histogram<HttpDurationLabel>,
): (req: RoutedRequest, res: FinishingResponse, next: () => void) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const middlewareRoute = req.route;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.observe(
        {
          method: httpMethodLabel(req.method),
          route: routeTemplate(req, middlewareRoute),
          status_class: statusClass(res.statusCode),
        },
        seconds,
      );
    });
    next();
  };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';

/** Request header carrying the request id, in both directions. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Paths polled by load balancers and Prometheus: not logged per request. */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request id for an incoming `X-Request-Id` value: kept when it is 1–64 characters of
 * `[A-Za-z0-9._-]` (so a caller can follow its own id through our logs), otherwise a new UUID v4.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED_REQUEST_ID.test(header) ? header : randomUUID();
}

/** What Express and the API-key guard add to the request, when they have run. */
interface RoutedRequest extends IncomingMessage {
  originalUrl?: string;
  route?: { path?: unknown };
  organizationId?: string;
}

function pathOf(req: RoutedRequest): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
}

/** The fields of the one line logged per request. */
function requestFields(
  req: RoutedRequest,
  res: ServerResponse,
  durationMs: unknown,
): Record<string, unknown> {
  return {
    method: req.method,
    route: typeof req.route?.path === 'string' ? req.route.path : null,
    path: pathOf(req),
    status: res.statusCode,
    durationMs,
    ...(req.organizationId ? { organizationId: req.organizationId } : {}),
  };
}

/**
 * pino-http options for the API (mounted by nestjs-pino's LoggerModule): every request gets a
 * `requestId` ({@link requestIdFrom}), echoed in the `X-Request-Id` response header and bound to every
 * line logged while handling it; once the response is sent (or aborted) one line says method, route
 * pattern, path, status, `durationMs`, `requestId` and `organizationId` when an API key was checked.
 * Headers, bodies and query strings are never logged. Probes ({@link PROBE_PATHS}) are not logged.
 */
export function requestLoggingOptions(root: Logger): Options<IncomingMessage, ServerResponse> {
  return {
    logger: root,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (req) => PROBE_PATHS.has(pathOf(req)) },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (req, res, value: Record<string, unknown>) =>
      requestFields(req, res, value.durationMs),
    customErrorObject: (req, res, error, value: Record<string, unknown>) => ({
      ...requestFields(req, res, value.durationMs),
      error: error.message,
    }),
    customSuccessMessage: (_req, res) => (res.writableEnded ? 'request completed' : 'request aborted'),
    customErrorMessage: () => 'request failed',
  };
}

/**
 * Operating the service: structured JSON logs with secrets redacted by configuration (`logging/`) and
 * Prometheus metrics with bounded label sets (`metrics/`), readiness probes (`health/`). Shared by the API
 * and the relay.
 */
export * from './health';
export * from './logging';
export * from './metrics';

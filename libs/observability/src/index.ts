/**
 * Operating the service: structured JSON logs with secrets redacted by configuration (`logging/`) and
 * Prometheus metrics with bounded label sets (`metrics/`). Shared by the API and the relay.
 */
export * from './logging';
export * from './metrics';

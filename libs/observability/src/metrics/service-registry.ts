import { collectDefaultMetrics, Registry } from 'prom-client';

/** The process a registry describes; the value of the `service` label on every series. */
export type MetricsServiceName = 'api' | 'relay';

/**
 * A Prometheus registry for one process, with a `service` label on every series and Node's default process
 * metrics (prom-client 15 `collectDefaultMetrics`): CPU seconds, resident memory, heap sizes, open file
 * descriptors, event loop lag (`nodejs_eventloop_lag_seconds`, p50/p90/p99), GC durations by kind.
 *
 * One per process: the GC and event-loop observers it starts live as long as the process.
 */
export function createServiceRegistry(service: MetricsServiceName): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceRegistry } from './service-registry';

describe('service registry', () => {
  it('has the process metrics, each labelled with the service', async () => {
    const registry = createServiceRegistry('relay');
    const text = await registry.metrics();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      assert.match(text, new RegExp(`^${name}\\{[^}]*service="relay"`, 'm'), name);
  });
});

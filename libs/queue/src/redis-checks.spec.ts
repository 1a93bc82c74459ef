import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evictionPolicyProblem, infoField } from './redis-checks';

const INFO_MEMORY = [
  '# Memory',
  'used_memory:1033456',
  'maxmemory:0',
  'maxmemory_human:0B',
  'maxmemory_policy:allkeys-lru',
  '',
].join('\r\n');

describe('infoField', () => {
  it('finds a field of INFO output', () => {
    assert.equal(infoField(INFO_MEMORY, 'maxmemory_policy'), 'allkeys-lru');
    assert.equal(infoField(INFO_MEMORY, 'maxmemory'), '0');
    assert.equal(infoField(INFO_MEMORY, 'missing'), undefined);
  });
});

describe('evictionPolicyProblem', () => {
  it('accepts noeviction', () => {
    assert.equal(evictionPolicyProblem('noeviction', 'redis://127.0.0.1:6379'), null);
  });

  it('refuses any other policy, saying why and how to fix it', () => {
    const message = evictionPolicyProblem('allkeys-lru', 'redis://127.0.0.1:6379');
    assert.ok(message);
    assert.match(message, /redis:\/\/127\.0\.0\.1:6379 has maxmemory-policy "allkeys-lru"/);
    assert.match(message, /requires "noeviction"/);
    assert.match(message, /loses jobs/);
    assert.match(message, /maxmemory-policy noeviction/);
  });
});

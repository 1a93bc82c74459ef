import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runReadinessChecks, type ReadinessCheck } from './readiness';

const check = (name: string, label: string, reason: string | null | Error): ReadinessCheck => ({
  name,
  label,
  run: () => (reason instanceof Error ? Promise.reject(reason) : Promise.resolve(reason)),
});

describe('readiness checks', () => {
  it('answers ok with every check named when all pass', async () => {
    const result = await runReadinessChecks([
      check('database', 'the database (PostgreSQL)', null),
      check('redis', 'the job queue (Redis)', null),
    ]);
    assert.deepEqual(result, {
      ready: true,
      body: { status: 'ok', checks: { database: 'ok', redis: 'ok' } },
    });
  });

  it('names each failing check with its reason, and a throwing check by its error name only', async () => {
    const result = await runReadinessChecks([
      check('database', 'the database (PostgreSQL)', 'no answer to SELECT 1 within 2 s'),
      check('redis', 'the job queue (Redis)', null),
      check('ffmpeg', 'ffmpeg', new TypeError('spawn /secret/path ENOENT')),
    ]);
    assert.equal(result.ready, false);
    if (result.ready) return;
    assert.equal(
      result.message,
      'Not ready: the database (PostgreSQL) is unavailable (no answer to SELECT 1 within 2 s); ' +
        'ffmpeg is unavailable (check failed (TypeError))',
    );
    assert.deepEqual(
      result.details.map((d) => d.field),
      ['database', 'ffmpeg'],
    );
    assert.equal(result.checks.redis, 'ok');
    assert.doesNotMatch(JSON.stringify(result), /secret/);
  });
});

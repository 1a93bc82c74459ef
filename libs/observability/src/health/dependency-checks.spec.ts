import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseCheck, jobQueueCheck } from './dependency-checks';

describe('database and job queue readiness checks', () => {
  it('passes while PostgreSQL answers and Redis is connected', async () => {
    assert.equal(await databaseCheck({ checkReachable: () => Promise.resolve() }).run(), null);
    assert.equal(await jobQueueCheck({ available: true }).run(), null);
  });

  it('says what is away without the database error, which may hold the URL', async () => {
    const db = databaseCheck({
      checkReachable: () => Promise.reject(new Error('connect postgres://u:secret@db/relay')),
    });
    assert.equal(db.name, 'database');
    assert.equal(await db.run(), 'no answer to SELECT 1 within 2 s');
    const redis = jobQueueCheck({ available: false });
    assert.equal(redis.name, 'redis');
    assert.equal(await redis.run(), 'not connected');
  });
});

import type { ReadinessCheck } from './readiness';

/** What {@link databaseCheck} needs of the database client (PrismaService fits). */
export interface ReachableDatabase {
  /** Resolves once PostgreSQL answers `SELECT 1`; rejects when it does not within 2 s. */
  checkReachable(): Promise<unknown>;
}

/** What {@link jobQueueCheck} needs of the Redis watcher (RedisAvailability fits). */
export interface AvailableRedis {
  /** Whether the connection to Redis is up now. */
  readonly available: boolean;
}

/**
 * The `database` readiness check of the API and the relay: ready when PostgreSQL answers `SELECT 1`
 * within 2 s, else "no answer to SELECT 1 within 2 s" (never the error, which may hold the URL).
 */
export function databaseCheck(db: ReachableDatabase): ReadinessCheck {
  return {
    name: 'database',
    label: 'the database (PostgreSQL)',
    run: () =>
      db.checkReachable().then(
        () => null,
        () => 'no answer to SELECT 1 within 2 s',
      ),
  };
}

/** The `redis` readiness check of the API and the relay: ready while Redis is connected. */
export function jobQueueCheck(redis: AvailableRedis): ReadinessCheck {
  return {
    name: 'redis',
    label: 'the job queue (Redis)',
    run: () => Promise.resolve(redis.available ? null : 'not connected'),
  };
}

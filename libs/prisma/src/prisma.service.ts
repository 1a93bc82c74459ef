import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { DatabaseError, toDatabaseError } from './prisma-errors';

/** Injection token of the {@link PrismaOptions} that {@link PrismaService} is built from. */
export const PRISMA_OPTIONS = Symbol('PRISMA_OPTIONS');

/** How to reach PostgreSQL. */
export interface PrismaOptions {
  /** PostgreSQL connection URL, `postgresql://user:password@host:port/database` (libpq URL syntax). */
  databaseUrl: string;
  /** Longest wait for a new pool connection, ms; default 5000. A query then fails as `unavailable`. */
  connectTimeoutMs?: number;
}

/** Lost pool connections are logged at most this often (a restart closes every idle connection at once), ms. */
const CONNECTION_LOSS_LOG_INTERVAL_MS = 10_000;

/**
 * The application's Prisma client (Prisma 7, `prisma-client` generator, no engine binary): queries go through
 * `@prisma/adapter-pg`, i.e. a `pg` connection pool. Connects when the Nest module initialises and closes the
 * pool when the application shuts down (call `app.enableShutdownHooks()` to get that on SIGTERM).
 * Only repositories use it; map its errors with `toDatabaseError` from prisma-errors.ts.
 *
 * While PostgreSQL is away, queries fail at once (connection refused) or after `connectTimeoutMs` with an
 * error `toDatabaseError` maps to `unavailable`; connections the server closed are dropped from the pool
 * and logged, and new ones are made on the next query once it is back: no restart needed.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(PRISMA_OPTIONS) options: PrismaOptions) {
    const logger = new Logger('Prisma');
    let lastLoggedAt = 0;
    const connectionLost = (error: Error): void => {
      if (Date.now() - lastLoggedAt < CONNECTION_LOSS_LOG_INTERVAL_MS) return;
      lastLoggedAt = Date.now();
      logger.warn(`PostgreSQL connection lost: ${error.message}`);
    };
    super({
      adapter: new PrismaPg(
        {
          connectionString: options.databaseUrl,
          connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
          keepAlive: true,
        },
        { onPoolError: connectionLost, onConnectionError: connectionLost },
      ),
    });
  }

  /** Opens the pool; with the pg adapter connections are made on first use, so this does not prove reachability. */
  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** Closes the pool. */
  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }

  /**
   * Runs `SELECT 1` (readiness checks).
   *
   * @param timeoutMs longest wait, ms; default 2000.
   * @throws DatabaseError `unavailable` when PostgreSQL does not answer in time or cannot be reached.
   */
  async checkReachable(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DatabaseError('unavailable', { code: 'timeout' })), timeoutMs);
    });
    const query = this.$queryRaw`SELECT 1`;
    query.catch(() => undefined);
    try {
      await Promise.race([query, timeout]);
    } catch (error) {
      const mapped = toDatabaseError(error);
      throw mapped.kind === 'unavailable'
        ? mapped
        : new DatabaseError('unavailable', mapped.details, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

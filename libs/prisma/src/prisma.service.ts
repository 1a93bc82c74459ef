import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/** Injection token of the {@link PrismaOptions} that {@link PrismaService} is built from. */
export const PRISMA_OPTIONS = Symbol('PRISMA_OPTIONS');

/** How to reach PostgreSQL. */
export interface PrismaOptions {
  /** PostgreSQL connection URL, `postgresql://user:password@host:port/database` (libpq URL syntax). */
  databaseUrl: string;
}

/**
 * The application's Prisma client (Prisma 7, `prisma-client` generator, no engine binary): queries go through
 * `@prisma/adapter-pg`, i.e. a `pg` connection pool. Connects when the Nest module initialises and closes the
 * pool when the application shuts down (call `app.enableShutdownHooks()` to get that on SIGTERM).
 * Only repositories use it; map its errors with `toDatabaseError` from prisma-errors.ts.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(PRISMA_OPTIONS) options: PrismaOptions) {
    super({ adapter: new PrismaPg({ connectionString: options.databaseUrl }) });
  }

  /** Opens the pool; with the pg adapter connections are made on first use, so this does not prove reachability. */
  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** Closes the pool. */
  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

// Prisma config for prisma@6's CLI (the `prisma6` alias), used by prisma-offline.mjs.
// `engine: 'js'` selects the WebAssembly schema engine, which needs a driver adapter:
// - with PRISMA_OFFLINE_DATABASE_URL set (scripts/prisma-migrate.mjs), a real @prisma/adapter-pg connection, for
//   `migrate deploy|status` (introspection, e.g. `db pull` or `--from-url` diffs, fails: prisma/orm#27403);
// - otherwise a stub for diffing schema files: that never touches a database, but the engine still asks for the
//   server version when it starts, so the stub answers that one query (as PostgreSQL 15) and refuses the rest.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { defineConfig } = require('prisma6/config');
const { PrismaPg } = require('@prisma/adapter-pg');

const databaseUrl = process.env.PRISMA_OFFLINE_DATABASE_URL;

// Column type codes of @prisma/driver-adapter-utils' ColumnTypeEnum.
const BOOLEAN = 5;
const TEXT = 7;
const INT32 = 0;

function refuse(method) {
  return async () => {
    throw new Error(
      `offline schema diff: the stub adapter cannot run ${method}; this command needs a database`,
    );
  };
}

function stubConnection() {
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async queryRaw(query) {
      if (query.sql.includes('server_version_num')) {
        return {
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [BOOLEAN, TEXT, INT32],
          rows: [[true, 'PostgreSQL 15.0 (offline stub)', 150000]],
        };
      }
      return refuse(`queryRaw(${query.sql.slice(0, 80)})`)();
    },
    executeRaw: refuse('executeRaw'),
    executeScript: refuse('executeScript'),
    startTransaction: refuse('startTransaction'),
    getConnectionInfo: () => ({ schemaName: 'public', supportsRelationJoins: true }),
    async dispose() {},
  };
}

export default defineConfig({
  experimental: { adapter: true },
  migrations: { path: fileURLToPath(new URL('../prisma/migrations', import.meta.url)) },
  engine: 'js',
  adapter: async () =>
    databaseUrl
      ? // The CLI never closes the adapter: without allowExitOnIdle the pool keeps it alive for 10 s.
        new PrismaPg({ connectionString: databaseUrl, allowExitOnIdle: true })
      : {
          provider: 'postgres',
          adapterName: '@prisma/adapter-pg',
          connect: async () => stubConnection(),
          connectToShadowDb: async () => stubConnection(),
        },
});

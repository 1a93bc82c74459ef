// `prisma migrate deploy|status` against DATABASE_URL, offline, through prisma@6's WebAssembly schema engine
// and @prisma/adapter-pg (see prisma-offline.mjs). The services migrate themselves with applyMigrations from
// @relay/prisma at start-up; this is Prisma's own implementation, for operators and for the e2e test that
// proves the two keep the same history.
//
//   DATABASE_URL=postgresql://… node scripts/prisma-migrate.mjs deploy|status|resolve [prisma args…]
//
// Exit status: prisma's (`status` exits 1 when migrations are pending or failed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPrisma6, SCHEMA_PATH, writePrisma6Schema } from './prisma-offline.mjs';

const [command, ...rest] = process.argv.slice(2);
const databaseUrl = process.env.DATABASE_URL;
if (!['deploy', 'status', 'resolve'].includes(command) || !databaseUrl) {
  process.stderr.write(
    'usage: DATABASE_URL=postgresql://… node scripts/prisma-migrate.mjs deploy|status|resolve\n',
  );
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'prisma-migrate-'));
try {
  const schema = writePrisma6Schema(dir, readFileSync(SCHEMA_PATH, 'utf8'));
  const result = runPrisma6(['migrate', command, '--schema', schema, ...rest], { databaseUrl });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

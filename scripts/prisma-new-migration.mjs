// Creates prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql from the changes to prisma/schema.prisma
// since the last migration, offline, in the layout `prisma migrate deploy` reads.
//
//   node scripts/prisma-new-migration.mjs <name>           diff since the last migration (refuses if none)
//   node scripts/prisma-new-migration.mjs <name> --empty   an empty migration to fill by hand (data changes)
//
// `prisma migrate dev` would diff against a shadow database, which this project cannot run offline. Instead,
// prisma/migrations/schema-snapshot.prisma.txt holds schema.prisma as of the newest migration: the first
// migration diffs from an empty database, every later one from that snapshot, and the snapshot is then
// updated. Prisma ignores files at the root of the migrations folder (it reads sub-folders and
// migration_lock.toml only). Two branches that both add a migration conflict on the snapshot: merge
// schema.prisma, delete the newer migration folder, restore the snapshot of the older one and run this again.
// The e2e test test/e2e/migrations.e2e.ts proves the migrations still build exactly schema.prisma.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  diffSchemas,
  EMPTY_DIFF,
  listMigrationNames,
  LOCK_CONTENT,
  LOCK_PATH,
  MIGRATIONS_DIR,
  ROOT,
  SCHEMA_PATH,
  SNAPSHOT_PATH,
} from './prisma-offline.mjs';

/** UTC `YYYYMMDDHHMMSS`, the prefix `prisma migrate dev` uses. */
function timestamp(date) {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `Add API key notes` -> `add_api_key_notes`, the way `prisma migrate dev --name` names folders. */
function slug(name) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const empty = args.includes('--empty');
const name = slug(args.filter((a) => a !== '--empty').join(' '));
if (!name) fail('usage: node scripts/prisma-new-migration.mjs <name> [--empty]');

const existing = listMigrationNames();
const schema = readFileSync(SCHEMA_PATH, 'utf8');
let sql;
if (empty) {
  sql = '-- This is an empty migration.\n';
} else {
  if (existing.length > 0 && !existsSync(SNAPSHOT_PATH)) {
    fail(`${relative(ROOT, SNAPSHOT_PATH)} is missing: it must hold schema.prisma as of ${existing.at(-1)}`);
  }
  sql = diffSchemas(existing.length === 0 ? null : readFileSync(SNAPSHOT_PATH, 'utf8'), schema);
  if (sql.trim() === EMPTY_DIFF)
    fail('schema.prisma has not changed since the last migration; nothing to do');
}

const folder = `${timestamp(new Date())}_${name}`;
if (existing.length > 0 && folder.localeCompare(existing.at(-1)) <= 0) {
  fail(`${folder} would sort before the newest migration ${existing.at(-1)}; check the clock`);
}
mkdirSync(join(MIGRATIONS_DIR, folder), { recursive: true });
writeFileSync(join(MIGRATIONS_DIR, folder, 'migration.sql'), sql);
if (!empty) {
  const header = `// Written by scripts/prisma-new-migration.mjs: prisma/schema.prisma as of ${folder}. Do not edit.\n`;
  writeFileSync(SNAPSHOT_PATH, header + schema);
}
if (!existsSync(LOCK_PATH)) writeFileSync(LOCK_PATH, LOCK_CONTENT);
process.stdout.write(`created ${relative(ROOT, join(MIGRATIONS_DIR, folder, 'migration.sql'))}\n`);

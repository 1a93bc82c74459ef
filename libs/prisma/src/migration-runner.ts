import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/**
 * Where progress goes; `console` and Nest's `Logger` both fit.
 */
export interface MigrationLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** Why {@link applyMigrations} refused or stopped. */
export type MigrationErrorReason =
  /** An applied migration's migration.sql no longer has the checksum recorded when it was applied. */
  | 'checksum-mismatch'
  /** `_prisma_migrations` holds a failed attempt (finished_at and rolled_back_at both null). */
  | 'failed-migration'
  /** A migration's SQL failed; its transaction was rolled back. */
  | 'apply-failed'
  /** A migration folder has no readable migration.sql. */
  | 'missing-script'
  /** migration_lock.toml names another provider than postgresql. */
  | 'provider-mismatch'
  /** Another process held the migration lock for longer than `lockTimeoutMs`. */
  | 'lock-timeout';

/** Thrown by {@link applyMigrations}; `migrationName` names the migration at fault, when there is one. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly reason: MigrationErrorReason,
    readonly migrationName: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options of {@link applyMigrations}. */
export interface ApplyMigrationsOptions {
  /** Longest wait for another process's migration lock, in ms. Default 60 000. */
  lockTimeoutMs?: number;
}

/**
 * Advisory lock key of Prisma Migrate (schema-engine `flavour/postgres.rs`, `pg_advisory_lock(72707369)`):
 * sharing it keeps this runner and `prisma migrate deploy` from running at the same time.
 */
export const MIGRATION_ADVISORY_LOCK_KEY = 72707369;

/**
 * The table Prisma Migrate keeps its history in, column for column as the schema engine creates it
 * (schema-engine `sql-schema-connector/src/flavour/postgres.rs`, `create_migrations_table`), so that
 * `prisma migrate status|deploy|resolve` understand a database this runner migrated and vice versa.
 */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
}

interface MigrationFolder {
  name: string;
  script: Buffer;
}

/**
 * Applies the migrations under `migrationsDir` (Prisma's layout: `<timestamp>_<name>/migration.sql`, plus
 * `migration_lock.toml`) that the database has not seen yet, as `prisma migrate deploy` would, without the
 * Prisma CLI or its engines.
 *
 * - Holds Prisma Migrate's session advisory lock while it works, so concurrent starts run one after another.
 * - Creates `_prisma_migrations` if missing, exactly as Prisma does.
 * - Refuses to start (MigrationError naming the migration) when a recorded attempt failed and was not
 *   resolved, or when an applied migration.sql was edited: its SHA-256 no longer matches the recorded checksum
 *   (compared as Prisma does: hex of the script's bytes, also accepting LF/CRLF conversions). Stricter than
 *   `prisma migrate deploy`, which only refuses on the former.
 * - Applies each pending folder in Prisma's order (folder names, localeCompare) in its own transaction and
 *   records id (uuid), checksum, started_at, finished_at and applied_steps_count = 1. A failing script is
 *   rolled back and recorded with its error in `logs` and `rolled_back_at` set, because nothing of it was
 *   applied; the next start retries it. Migration SQL that cannot run in a transaction (CREATE INDEX
 *   CONCURRENTLY) is therefore not supported, which matches Prisma on PostgreSQL.
 *
 * @param databaseUrl PostgreSQL connection URL (`postgresql://user:pass@host:port/db`); uses its default schema.
 * @param migrationsDir absolute path of the migrations folder, e.g. `<repo>/prisma/migrations`.
 * @param logger receives one line per applied migration and warnings; silent when omitted.
 * @returns the names of the migrations applied by this call, in order; empty when the database was current.
 * @throws MigrationError on the refusals above, a failed script ('apply-failed') or a lock wait beyond
 *   `lockTimeoutMs`; pg errors when the database cannot be reached.
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
  logger?: MigrationLogger,
  options: ApplyMigrationsOptions = {},
): Promise<string[]> {
  const folders = await readMigrationFolders(migrationsDir);
  const client = new Client({ connectionString: databaseUrl });
  // A connection lost between queries is reported here and by the next query; without a listener it would crash.
  client.on('error', (error) => logger?.warn(`Migration connection error: ${error.message}`));
  await client.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? 60_000);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const rows = (
        await client.query<MigrationRow>(
          'SELECT migration_name, checksum, finished_at, rolled_back_at, started_at, logs FROM _prisma_migrations ORDER BY started_at',
        )
      ).rows;
      const applied = checkHistory(rows, folders, logger);
      const pending = folders.filter((folder) => !applied.has(folder.name));
      const appliedNow: string[] = [];
      for (const folder of pending) {
        await applyOne(client, folder, logger);
        logger?.log(`Applied migration ${folder.name}`);
        appliedNow.push(folder.name);
      }
      return appliedNow;
    } finally {
      // Ending the session releases the lock too; an unlock failure must not hide the error being thrown.
      await client
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_ADVISORY_LOCK_KEY])
        .catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SHA-256 of a migration script as lowercase hex: the `checksum` Prisma records (schema-connector `checksum.rs`). */
export function migrationChecksum(script: Buffer | string): string {
  return createHash('sha256').update(script).digest('hex');
}

/** Prisma's `script_matches_checksum`: the script as is, with CRLF made LF, or with LF made CRLF. */
function matchesChecksum(script: Buffer, checksum: string): boolean {
  const text = script.toString('utf8');
  return [script, text.replace(/\r\n/g, '\n'), text.replace(/\n/g, '\r\n')].some(
    (variant) => migrationChecksum(variant) === checksum,
  );
}

async function readMigrationFolders(migrationsDir: string): Promise<MigrationFolder[]> {
  const lock = await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const provider = lock
    ?.split('\n')
    .find((line) => line.startsWith('provider'))
    ?.replace(/^provider\s*=\s*/, '')
    .replace(/"/g, '')
    .trim();
  if (lock !== null && provider !== 'postgresql') {
    throw new MigrationError(
      'provider-mismatch',
      undefined,
      `${migrationsDir}/migration_lock.toml names provider "${provider ?? '?'}", expected "postgresql"`,
    );
  }
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(
    names.map(async (name) => {
      const path = join(migrationsDir, name, 'migration.sql');
      const script = await readFile(path).catch((cause: unknown) => {
        throw new MigrationError('missing-script', name, `Migration ${name} has no readable ${path}`, {
          cause,
        });
      });
      return { name, script };
    }),
  );
}

async function acquireLock(client: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        'lock-timeout',
        undefined,
        `Another process held the migration lock (pg advisory lock ${MIGRATION_ADVISORY_LOCK_KEY}) for more than ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Names of the migrations the database has applied; throws on failed attempts and edited scripts. */
function checkHistory(
  rows: MigrationRow[],
  folders: MigrationFolder[],
  logger?: MigrationLogger,
): Set<string> {
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      'failed-migration',
      failed.migration_name,
      `Migration ${failed.migration_name} started at ${failed.started_at.toISOString()} failed and was not resolved` +
        `${failed.logs ? `:\n${failed.logs.trim()}` : ''}\n` +
        `Repair the database, then run \`prisma migrate resolve --applied|--rolled-back ${failed.migration_name}\`.`,
    );
  }
  const byName = new Map(folders.map((folder) => [folder.name, folder]));
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    applied.add(row.migration_name);
    const folder = byName.get(row.migration_name);
    if (!folder) {
      logger?.warn(
        `Migration ${row.migration_name} is applied in the database but missing from the migrations folder`,
      );
    } else if (!matchesChecksum(folder.script, row.checksum)) {
      throw new MigrationError(
        'checksum-mismatch',
        row.migration_name,
        `Migration ${row.migration_name} was modified after it was applied: the checksum of its migration.sql ` +
          `(${migrationChecksum(folder.script)}) differs from the one recorded in _prisma_migrations (${row.checksum}). ` +
          'Restore the applied file and put the change in a new migration.',
      );
    }
  }
  return applied;
}

async function applyOne(client: Client, folder: MigrationFolder, logger?: MigrationLogger): Promise<void> {
  const id = randomUUID();
  const checksum = migrationChecksum(folder.script);
  await client.query('BEGIN');
  try {
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, checksum, folder.name],
    );
    // No parameters: the simple query protocol, which runs a multi-statement script.
    await client.query(folder.script.toString('utf8'));
    await client.query(
      'UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (cause) {
    const logs = cause instanceof Error ? cause.message : String(cause);
    try {
      await client.query('ROLLBACK');
      // Kept for `prisma migrate status` and humans; rolled_back_at set because nothing of it was applied.
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, rolled_back_at)
         VALUES ($1, $2, $3, $4, now(), now())`,
        [id, checksum, folder.name, logs],
      );
    } catch (recordError) {
      // The connection is gone, so the server rolled the transaction back; the original error matters more.
      logger?.warn(`Could not record the failure of ${folder.name}: ${String(recordError)}`);
    }
    throw new MigrationError(
      'apply-failed',
      folder.name,
      `Migration ${folder.name} failed and was rolled back: ${logs}`,
      { cause },
    );
  }
}

/**
 * The `prisma/migrations` folder of the checkout or image a compiled app runs from: the first one found
 * walking up from `fromDir` (pass `__dirname`).
 *
 * @throws Error naming `fromDir` when no folder above it has `prisma/migrations`.
 */
export function findMigrationsDir(fromDir: string): string {
  for (let dir = fromDir; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`prisma/migrations not found above ${fromDir}`);
}

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import {
  applyMigrations,
  MigrationError,
  migrationChecksum,
  PrismaModule,
  PrismaService,
  toDatabaseError,
} from '@relay/prisma';
import { dumpSchema, type PostgresServer, startPostgres } from '../utils/postgres';

const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..'); // dist/test/e2e -> repository root
const MIGRATIONS_DIR = join(ROOT, 'prisma', 'migrations');
const quiet = { log: () => undefined, warn: () => undefined };

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

async function query<T extends object>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of prisma/migrations that a test may damage. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

void describe('Prisma migrations', () => {
  let pg: PostgresServer;
  let migratedUrl: string;

  before(async () => {
    pg = await startPostgres();
    migratedUrl = await pg.createDatabase('migrated');
  });
  after(async () => {
    await pg?.stop();
  });

  void it('applies every migration once and records it as Prisma Migrate does', async () => {
    const names = await migrationNames(MIGRATIONS_DIR);
    assert.ok(names.length > 0, 'prisma/migrations has no migration');

    assert.deepEqual(await applyMigrations(migratedUrl, MIGRATIONS_DIR, quiet), names);
    assert.deepEqual(
      await applyMigrations(migratedUrl, MIGRATIONS_DIR, quiet),
      [],
      'second run applies nothing',
    );

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(
      migratedUrl,
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      names,
    );
    for (const row of rows) {
      const script = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, migrationChecksum(script), `checksum of ${row.migration_name}`);
      assert.ok(row.finished_at instanceof Date, `${row.migration_name} finished_at`);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
    }
  });

  void it('creates _prisma_migrations with the columns of Prisma’s schema engine', async () => {
    const columns = await query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      def: string | null;
    }>(
      migratedUrl,
      `SELECT column_name, format_type(atttypid, atttypmod) AS data_type, is_nullable, column_default AS def
         FROM information_schema.columns c
         JOIN pg_attribute a ON a.attrelid = '_prisma_migrations'::regclass AND a.attname = c.column_name
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      columns.map((c) => [c.column_name, c.data_type, c.is_nullable, c.def]),
      [
        ['id', 'character varying(36)', 'NO', null],
        ['checksum', 'character varying(64)', 'NO', null],
        ['finished_at', 'timestamp with time zone', 'YES', null],
        ['migration_name', 'character varying(255)', 'NO', null],
        ['logs', 'text', 'YES', null],
        ['rolled_back_at', 'timestamp with time zone', 'YES', null],
        ['started_at', 'timestamp with time zone', 'NO', 'now()'],
        ['applied_steps_count', 'integer', 'NO', '0'],
      ],
    );
  });

  void it('builds exactly the schema that schema.prisma describes', async () => {
    const diff = await execFileAsync(process.execPath, [join(ROOT, 'scripts', 'prisma-migration-diff.mjs')], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const fromSchemaUrl = await pg.createDatabase('from_schema');
    await query(fromSchemaUrl, diff.stdout);

    const migrated = await dumpSchema(migratedUrl, ['public._prisma_migrations']);
    const expected = await dumpSchema(fromSchemaUrl);
    assert.match(expected, /CREATE TABLE public\.organizations/);
    assert.equal(
      migrated,
      expected,
      'prisma/migrations do not produce schema.prisma: run `node scripts/prisma-new-migration.mjs <name>`',
    );
  });

  void it('keeps the history `prisma migrate deploy` keeps, and each accepts the other’s', async () => {
    const deployedUrl = await pg.createDatabase('prisma_deployed');
    const prismaMigrate = (command: string, databaseUrl: string) =>
      execFileAsync(process.execPath, [join(ROOT, 'scripts', 'prisma-migrate.mjs'), command], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      });
    await prismaMigrate('deploy', deployedUrl);

    const history = (url: string) =>
      query(
        url,
        `SELECT migration_name, checksum, logs, applied_steps_count, finished_at IS NOT NULL AS finished,
                rolled_back_at FROM _prisma_migrations ORDER BY migration_name`,
      );
    assert.deepEqual(await history(migratedUrl), await history(deployedUrl));
    assert.equal(
      await dumpSchema(migratedUrl),
      await dumpSchema(deployedUrl),
      'same tables, _prisma_migrations included',
    );
    assert.deepEqual(await applyMigrations(deployedUrl, MIGRATIONS_DIR, quiet), []);
    const { stdout } = await prismaMigrate('status', migratedUrl);
    assert.match(stdout, /Database schema is up to date/);
  });

  void it('serialises two runners that start at once, so each migration is applied by one of them', async () => {
    const url = await pg.createDatabase('concurrent');
    const [first, second] = await Promise.all([
      applyMigrations(url, MIGRATIONS_DIR, quiet),
      applyMigrations(url, MIGRATIONS_DIR, quiet),
    ]);
    const names = await migrationNames(MIGRATIONS_DIR);
    assert.deepEqual([...first, ...second], names, 'each migration applied by exactly one runner');
    const rows = await query(url, 'SELECT 1 FROM _prisma_migrations');
    assert.equal(rows.length, names.length);
  });

  void it('refuses to run when an applied migration was edited, naming it', async () => {
    const url = await pg.createDatabase('tampered');
    const dir = await copyOfMigrations();
    try {
      await applyMigrations(url, dir, quiet);
      const [name] = await migrationNames(dir);
      assert.ok(name);
      const file = join(dir, name, 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited after it was applied\n`);

      await assert.rejects(applyMigrations(url, dir, quiet), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.reason, 'checksum-mismatch');
        assert.equal(error.migrationName, name);
        assert.match(error.message, new RegExp(name));
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('refuses to run after a failed, unresolved migration, naming it', async () => {
    const url = await pg.createDatabase('failed');
    await applyMigrations(url, MIGRATIONS_DIR, quiet);
    // What `prisma migrate deploy` leaves behind when a migration fails.
    await query(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs) VALUES ($1, $2, $3, 'boom')`,
      ['00000000-0000-4000-8000-000000000000', '0'.repeat(64), '29991231000000_broken'],
    );
    await assert.rejects(applyMigrations(url, MIGRATIONS_DIR, quiet), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.equal(error.reason, 'failed-migration');
      assert.equal(error.migrationName, '29991231000000_broken');
      assert.match(error.message, /29991231000000_broken/);
      return true;
    });
  });

  void it('rolls a failing migration back, records it as rolled back and retries it next time', async () => {
    const url = await pg.createDatabase('broken');
    const dir = await copyOfMigrations();
    try {
      await applyMigrations(url, dir, quiet);
      const broken = '29991231000000_broken';
      await mkdir(join(dir, broken));
      await writeFile(join(dir, broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT 1/0;\n');

      await assert.rejects(applyMigrations(url, dir, quiet), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.reason, 'apply-failed');
        assert.equal(error.migrationName, broken);
        return true;
      });
      const tables = await query(url, `SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
      assert.equal(tables.length, 0, 'the failed migration was rolled back');
      const [record] = await query<{ logs: string; rolled_back_at: Date | null }>(
        url,
        'SELECT logs, rolled_back_at FROM _prisma_migrations WHERE migration_name = $1',
        [broken],
      );
      assert.match(record?.logs ?? '', /division by zero/);
      assert.ok(record?.rolled_back_at instanceof Date);

      await writeFile(join(dir, broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
      assert.deepEqual(await applyMigrations(url, dir, quiet), [broken]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('lets the generated client (adapter-pg, no engine binary) write and read through PrismaModule', async () => {
    const app = await NestFactory.createApplicationContext(
      PrismaModule.forRoot({ databaseUrl: migratedUrl }),
      {
        logger: false,
      },
    );
    try {
      const prisma = app.get(PrismaService);
      const created = await prisma.organization.create({ data: { name: 'Acme Broadcasting' } });
      const read = await prisma.organization.findUniqueOrThrow({ where: { id: created.id } });
      assert.equal(read.name, 'Acme Broadcasting');
      assert.ok(read.createdAt instanceof Date);
    } finally {
      await app.close();
    }
  });

  void it('maps Prisma errors to DatabaseError kinds', async () => {
    const prisma = new PrismaService({ databaseUrl: migratedUrl });
    await prisma.onModuleInit();
    const kindOf = (promise: Promise<unknown>): Promise<string> =>
      promise.then(
        () => 'resolved',
        (error: unknown) => toDatabaseError(error).kind,
      );
    try {
      const org = await prisma.organization.create({ data: { name: 'Errors Inc' } });
      const key = { organizationId: org.id, name: 'ci', prefix: 'rk_', secretHash: 'e2e-hash' };
      await prisma.apiKey.create({ data: key });
      const missing = '00000000-0000-4000-8000-000000000000';

      assert.equal(await kindOf(prisma.apiKey.create({ data: key })), 'unique-violation');
      assert.equal(
        await kindOf(
          prisma.$executeRawUnsafe('INSERT INTO organizations (id, name) VALUES ($1::uuid, $2)', org.id, 'x'),
        ),
        'unique-violation',
      );
      assert.equal(
        await kindOf(prisma.organization.update({ where: { id: missing }, data: { name: 'y' } })),
        'not-found',
      );
      assert.equal(
        await kindOf(
          prisma.apiKey.create({ data: { ...key, organizationId: missing, secretHash: 'other' } }),
        ),
        'foreign-key',
      );
      assert.equal(await kindOf(prisma.$queryRawUnsafe('SELECT 1/0')), 'unknown');

      const error = toDatabaseError(await prisma.apiKey.create({ data: key }).catch((e: unknown) => e));
      assert.equal(error.details.code, 'P2002');
      assert.equal(error.details.model, 'ApiKey');
      assert.equal(error.details.constraint, 'api_keys_secret_hash_key');
      assert.doesNotMatch(error.message, /e2e-hash/, 'values never reach the message');
    } finally {
      await prisma.onModuleDestroy();
    }

    const closedPort = new PrismaService({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none' });
    try {
      assert.equal(await kindOf(closedPort.organization.findMany()), 'unavailable');
    } finally {
      await closedPort.$disconnect();
    }
  });
});

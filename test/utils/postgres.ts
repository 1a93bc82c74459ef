import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './ports';

const execFileAsync = promisify(execFile);

/** A throwaway PostgreSQL server: its own cluster in a temporary directory, on a loopback port. */
export interface PostgresServer {
  /** TCP port on 127.0.0.1. */
  readonly port: number;
  /** Connection URL of `dbName` (default `postgres`) as superuser `postgres`, no password (trust auth). */
  url(dbName?: string): string;
  /** Creates an empty database and returns its URL. `name`: lowercase letters, digits, `_`. */
  createDatabase(name: string): Promise<string>;
  /** Whether the server process runs (false between {@link PostgresServer.down} and {@link PostgresServer.up}). */
  readonly running: boolean;
  /**
   * Stops the server and keeps its data, like a database restart or crash seen by clients: `hard: false`
   * (default) is PostgreSQL's fast shutdown (SIGINT: sessions are terminated, 57P01), `hard: true` its
   * immediate shutdown (SIGQUIT: no checkpoint, crash recovery on the next start). Resolves once it exited.
   */
  down(options?: { hard?: boolean }): Promise<void>;
  /** Starts the server again on the same port and data directory; resolves once it accepts connections. */
  up(): Promise<void>;
  /** Stops the server (fast shutdown, then SIGKILL after 10 s) and deletes its directory. Idempotent. */
  stop(): Promise<void>;
}

// Loopback only; durability off, a test cluster is thrown away.
const SETTINGS = [
  'listen_addresses=127.0.0.1',
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
];

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Longest wait for initdb plus the server to accept connections, in ms. Default 60 000. */
  startTimeoutMs?: number;
  /** Folder of initdb/postgres; default: found on PATH. */
  binDir?: string;
}

/**
 * Starts a PostgreSQL server for a test: `initdb` (trust auth, UTF8, C locale) in a new temporary directory,
 * then `postgres` listening on 127.0.0.1 only, on a free port, with its unix socket in that directory and
 * durability off (fsync, synchronous_commit, full_page_writes) for speed.
 * PostgreSQL refuses to run as root, so when the test runs as root the cluster belongs to the `postgres` OS
 * user and both programs run as that user.
 *
 * @throws Error with initdb's output or the server's last log lines if it does not start, or does not accept
 *   connections within `startTimeoutMs`.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const bin = (name: string): string => (options.binDir ? join(options.binDir, name) : name);
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const baseDir = mkdtempSync(join(tmpdir(), 'relay-pg-'));
  const dataDir = join(baseDir, 'data');
  if (owner) chownSync(baseDir, owner.uid, owner.gid);

  const launch = async (port: number, until: number): Promise<Launched> => {
    const args = ['-D', dataDir, '-p', String(port), '-k', baseDir, ...SETTINGS.flatMap((s) => ['-c', s])];
    const server = spawn(bin('postgres'), args, {
      ...owner,
      cwd: baseDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const log = recentLines(server);
    const exited = new Promise<number | null>((resolve) => {
      server.once('exit', (code) => resolve(code));
      server.once('error', (error) => {
        log.add(`cannot run ${bin('postgres')}: ${error.message}`);
        resolve(null);
      });
    });
    return { server, exited, log, ready: await waitUntilReady(port, exited, until) };
  };

  try {
    await execFileAsync(
      bin('initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { ...owner, timeout: Math.max(deadline - Date.now(), 1), cwd: baseDir },
    ).catch((error: Error & { stderr?: string }) => {
      throw new Error(`initdb failed: ${error.message}\n${error.stderr ?? ''}`);
    });

    // The free port can be taken between probing and binding; postgres then exits and we try another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const launched = await launch(port, deadline);
      if (launched.ready === 'ready')
        return handle(port, launched, baseDir, (p) => launch(p, Date.now() + 60_000));
      if (launched.ready === 'exited' && attempt < 3 && launched.log().includes('could not bind')) continue;
      launched.server.kill('SIGKILL');
      throw new Error(
        `PostgreSQL on port ${port} ${launched.ready === 'exited' ? 'exited' : 'did not accept connections in time'}:\n${launched.log()}`,
      );
    }
  } catch (error) {
    rmSync(baseDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `pg_dump --schema-only --no-owner --no-privileges` of a database, normalised so that two dumps of schemas
 * Prisma considers equal are equal strings: comments, blank lines and the per-run `\restrict` key lines are
 * dropped, and the lines inside each `CREATE TABLE (…)` and `CREATE TYPE … AS ENUM (…)` are sorted, because
 * `ALTER TABLE … ADD COLUMN` and `ALTER TYPE … ADD VALUE` append while a schema created in one go follows
 * schema.prisma's order (Prisma's differ ignores column and enum value order).
 * `excludeTables` (`schema.table`) are left out with their indexes and constraints.
 */
export async function dumpSchema(url: string, excludeTables: string[] = []): Promise<string> {
  const args = [
    '--schema-only',
    '--no-owner',
    '--no-privileges',
    ...excludeTables.map((t) => `--exclude-table=${t}`),
  ];
  const { stdout } = await execFileAsync('pg_dump', [...args, '--dbname', url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const out: string[] = [];
  let block: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '' || line.startsWith('--') || /^\\(un)?restrict\b/.test(line)) continue;
    if (block && line === ');') {
      out.push(...block.sort(), line);
      block = undefined;
    } else if (block) {
      block.push(line.replace(/,$/, ''));
    } else {
      out.push(line);
      if (/^CREATE TABLE .* \($|^CREATE TYPE .* AS ENUM \($/.test(line)) block = [];
    }
  }
  return out.join('\n');
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('Running as root, and PostgreSQL refuses root: an OS user named "postgres" is needed');
  }
}

/** Keeps the last 40 lines the server wrote to stderr (its log) for error messages. */
function recentLines(child: ChildProcess): { (): string; add(line: string): void } {
  const lines: string[] = [];
  const add = (line: string): void => {
    lines.push(line);
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach(add));
  return Object.assign(() => lines.join('\n'), { add });
}

async function waitUntilReady(
  port: number,
  exited: Promise<number | null>,
  deadline: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  while (Date.now() < deadline) {
    if (hasExited) return 'exited';
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return 'ready';
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return hasExited ? 'exited' : 'timeout';
}

/** A started postgres process. */
interface Launched {
  server: ChildProcess;
  exited: Promise<number | null>;
  log: { (): string; add(line: string): void };
  ready: 'ready' | 'exited' | 'timeout';
}

function handle(
  port: number,
  first: Launched,
  baseDir: string,
  launch: (port: number) => Promise<Launched>,
): PostgresServer {
  let current = first;
  const url = (dbName = 'postgres'): string => `postgresql://postgres@127.0.0.1:${port}/${dbName}`;
  const isRunning = (): boolean => current.server.exitCode === null && current.server.signalCode === null;
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (!isRunning()) return;
    current.server.kill(signal);
    const timer = setTimeout(() => current.server.kill('SIGKILL'), 10_000);
    await current.exited;
    clearTimeout(timer);
  };
  // If the test process dies without stop(), do not leave a server behind (immediate shutdown).
  const onExit = (): void => {
    current.server.kill('SIGQUIT');
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    port,
    url,
    get running() {
      return isRunning();
    },
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid database name ${JSON.stringify(name)}`);
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async down({ hard = false } = {}): Promise<void> {
      await halt(hard ? 'SIGQUIT' : 'SIGINT');
    },
    async up(): Promise<void> {
      if (isRunning()) return;
      if (stopping) throw new Error('PostgreSQL was stopped for good');
      const launched = await launch(port);
      current = launched;
      if (launched.ready !== 'ready') {
        launched.server.kill('SIGKILL');
        throw new Error(`PostgreSQL did not come back on port ${port}:\n${launched.log()}`);
      }
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        await halt('SIGINT'); // PostgreSQL's "fast" shutdown
        rmSync(baseDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';
import { removeOnExit, spawnProcess, type ManagedProcess } from './processes';

/** A throw-away redis-server started by {@link startRedis}. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Working directory holding the config and the append-only file. */
  readonly dir: string;
  /** The running server process (replaced by restart()). */
  readonly process: ManagedProcess;
  /**
   * Stops the server and starts it again on the same port and data directory, so data written before
   * survives (appendonly). `hard: true` SIGKILLs it first, like a crash; default is a clean SIGTERM.
   */
  restart(options?: { hard?: boolean }): Promise<void>;
  /**
   * Stops the server and keeps its directory, so {@link TestRedis.up} brings it back with its data (the
   * append-only file; a hard stop may lose the last second of writes, as a crash does). `hard: true`
   * SIGKILLs it; default is a clean SIGTERM.
   */
  down(options?: { hard?: boolean }): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it accepts connections. */
  up(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Port to listen on; default a free one. */
  port?: number;
  /** Extra redis.conf lines, e.g. `['requirepass secret']`. */
  extraConfig?: string[];
  /** Time allowed for "Ready to accept connections"; default 10 000 ms. */
  startTimeoutMs?: number;
}

/**
 * Starts `redis-server` in the foreground on 127.0.0.1 with its own config in a temp dir: no RDB
 * snapshots, `appendonly yes`, `maxmemory-policy noeviction` (what BullMQ requires).
 *
 * @throws Error when redis-server is missing or not ready within `startTimeoutMs`.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  const dir = removeOnExit(await mkdtemp(join(tmpdir(), 'test-redis-')));
  const configPath = join(dir, 'redis.conf');
  const config = [
    'bind 127.0.0.1',
    `port ${port}`,
    `dir ${dir}`,
    'daemonize no',
    'protected-mode yes',
    'save ""',
    'appendonly yes',
    'maxmemory-policy noeviction',
    'logfile ""',
    ...(options.extraConfig ?? []),
  ];
  await writeFile(configPath, config.join('\n') + '\n');
  const timeoutMs = options.startTimeoutMs ?? 10_000;

  const launch = async (): Promise<ManagedProcess> => {
    const proc = spawnProcess('redis-server', [configPath], { name: `redis:${port}` });
    await proc.waitForLine(/Ready to accept connections/, timeoutMs);
    return proc;
  };

  let current = await launch();
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get process() {
      return current;
    },
    async restart({ hard = false } = {}) {
      await current.stop(hard ? 'SIGKILL' : 'SIGTERM', 5_000);
      current = await launch();
    },
    async down({ hard = false } = {}) {
      await current.stop(hard ? 'SIGKILL' : 'SIGTERM', 5_000);
    },
    async up() {
      if (current.running) return;
      if (stopped) throw new Error('Redis was stopped for good');
      current = await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await current.stop('SIGTERM', 5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

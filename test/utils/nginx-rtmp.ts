import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';
import { removeOnExit, spawnProcess, waitFor, type ManagedProcess } from './processes';

const MODULE_CANDIDATES = [
  '/usr/lib/nginx/modules/ngx_rtmp_module.so', // Debian/Ubuntu libnginx-mod-rtmp
  '/usr/lib64/nginx/modules/ngx_rtmp_module.so',
  '/usr/share/nginx/modules/ngx_rtmp_module.so',
];

/** A throw-away nginx-rtmp destination started by {@link startNginxRtmp}. */
export interface TestNginxRtmp {
  readonly port: number;
  /** `rtmp://127.0.0.1:PORT/<application>`; append `/<stream key>` to publish. */
  readonly url: string;
  /** Directory of the FLV recordings (one file per publishing connection). */
  readonly recordDir: string;
  /** Directory holding the config, logs and the recordings. */
  readonly dir: string;
  readonly process: ManagedProcess;
  /**
   * Absolute paths of the FLV recordings, oldest first. nginx-rtmp names them `<stream>-<unix seconds>.flv`
   * (record_unique), so two connections for the same stream name within one second share a file: count
   * connections with {@link TestNginxRtmp.publishCount} when that matters.
   */
  recordings(): string[];
  /**
   * Number of finished publishing sessions, from the RTMP access log (written when a session ends). Refused
   * publishers are counted too.
   */
  publishCount(): number;
  /** Number of publish attempts refused by `denyPublish` ("access forbidden by rule" in the error log). */
  refusedPublishCount(): number;
  /** nginx's error log (level info: connections, publish/close events, errors). */
  errorLog(): string;
  /**
   * Stops nginx (SIGTERM, SIGKILL after 5 s); the files stay until remove() or the end of the test process.
   * Safe to call twice.
   */
  stop(): Promise<void>;
  /** stop(), then deletes {@link TestNginxRtmp.dir}. */
  remove(): Promise<void>;
}

/** Options of {@link startNginxRtmp}. */
export interface StartNginxRtmpOptions {
  /** Port to listen on; default a free one. */
  port?: number;
  /** RTMP application name; default `live`. */
  application?: string;
  /** Refuse every publisher (`deny publish all;`), a destination that rejects the stream; records nothing. */
  denyPublish?: boolean;
  /** Extra directives inside the application block, e.g. `['drop_idle_publisher 5s;']`. */
  extraApplicationConfig?: string[];
  /** Where to create the temp dir; default the OS temp dir. */
  parentDir?: string;
  /** Time allowed for the port to accept connections; default 10 000 ms. */
  startTimeoutMs?: number;
}

/** Path of ngx_rtmp_module.so on this machine (env NGINX_RTMP_MODULE overrides). */
export function findRtmpModule(): string {
  const candidates = [process.env.NGINX_RTMP_MODULE, ...MODULE_CANDIDATES].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`ngx_rtmp_module.so not found (tried ${candidates.join(', ')})`);
  return found;
}

function nginxBinary(): string {
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Starts nginx with libnginx-mod-rtmp in the foreground (`daemon off; master_process off;`) as the current
 * user, with its own config in a temp dir. Application `live` has `live on; record all; record_unique on;`,
 * so every publishing connection leaves one FLV file in `recordDir`.
 *
 * @throws Error when nginx or the module is missing, or the port is not accepting within the timeout.
 */
export async function startNginxRtmp(options: StartNginxRtmpOptions = {}): Promise<TestNginxRtmp> {
  const modulePath = findRtmpModule();
  const port = options.port ?? (await freePort());
  const application = options.application ?? 'live';
  // Deleted when the test process exits (env TEST_KEEP_TMP=1 keeps it for a post-mortem).
  const dir = removeOnExit(await mkdtemp(join(options.parentDir ?? tmpdir(), 'test-nginx-rtmp-')));
  const recordDir = join(dir, 'records');
  await mkdir(recordDir);
  // No privilege drop happens with master_process off, but keep the dirs open to any worker user anyway.
  await chmod(dir, 0o755);
  await chmod(recordDir, 0o777);
  const errorLogPath = join(dir, 'error.log');
  const accessLogPath = join(dir, 'access.log');
  const configPath = join(dir, 'nginx.conf');
  // A refused publisher would still leave an empty FLV file behind, so a refusing server records nothing.
  const appConfig = [
    'live on;',
    ...(options.denyPublish
      ? ['deny publish all;']
      : ['record all;', `record_path ${recordDir};`, 'record_unique on;']),
    ...(options.extraApplicationConfig ?? []),
  ];
  const config = `load_module ${modulePath};
daemon off;
master_process off;
error_log ${errorLogPath} info;
pid ${join(dir, 'nginx.pid')};
events {}
rtmp {
  access_log ${accessLogPath};
  server {
    listen 127.0.0.1:${port};
    chunk_size 4096;
    application ${application} {
${appConfig.map((line) => `      ${line}`).join('\n')}
    }
  }
}
`;
  await writeFile(configPath, config);

  const proc = spawnProcess(nginxBinary(), ['-p', dir, '-c', configPath, '-e', errorLogPath], {
    name: `nginx-rtmp:${port}`,
  });
  try {
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`nginx exited: ${proc.tail()}\n${readIfExists(errorLogPath)}`);
        return canConnect(port);
      },
      { timeoutMs: options.startTimeoutMs ?? 10_000, intervalMs: 50, message: `nginx-rtmp on port ${port}` },
    );
    if (!proc.running) throw new Error(`nginx exited: ${proc.tail()}\n${readIfExists(errorLogPath)}`);
  } catch (error) {
    await proc.stop('SIGKILL', 1_000);
    throw error;
  }

  const recordings = (): string[] =>
    readdirSync(recordDir)
      .filter((name) => name.endsWith('.flv'))
      .map((name) => ({ name, seconds: Number(/-(\d+)\.flv$/.exec(name)?.[1] ?? 0) }))
      .sort((a, b) => a.seconds - b.seconds || a.name.localeCompare(b.name))
      .map(({ name }) => join(recordDir, name));

  const stop = async (): Promise<void> => {
    await proc.stop('SIGTERM', 5_000);
  };
  return {
    port,
    url: `rtmp://127.0.0.1:${port}/${application}`,
    recordDir,
    dir,
    process: proc,
    recordings,
    publishCount: () =>
      readIfExists(accessLogPath)
        .split('\n')
        .filter((line) => / PUBLISH /.test(line)).length,
    refusedPublishCount: () => readIfExists(errorLogPath).split('access forbidden by rule').length - 1,
    errorLog: () => readIfExists(errorLogPath),
    stop,
    async remove() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

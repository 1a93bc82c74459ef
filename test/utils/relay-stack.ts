import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports';
import { startPostgres, type PostgresServer } from './postgres';
import { spawnProcess, waitFor, type ManagedProcess } from './processes';
import { startRedis, type TestRedis } from './redis';

/** The compiled tree this file runs from (dist/): test/utils → ../.. */
const BUILD_ROOT = join(__dirname, '..', '..');

/** A JSON answer of the API. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** The whole service on loopback: PostgreSQL, Redis, the API and the relay, built from dist/. */
export interface RelayStack {
  readonly apiUrl: string;
  /** The relay's HTTP server (/metrics, /healthz, /readyz), e.g. http://127.0.0.1:40123. */
  readonly relayHttpUrl: string;
  readonly rtmpPort: number;
  readonly apiKey: string;
  readonly databaseUrl: string;
  readonly postgres: PostgresServer;
  readonly redis: TestRedis;
  readonly api: ManagedProcess;
  readonly relay: ManagedProcess;
  /** The environment the API and the relay were started with (for {@link startRelayProcess}). */
  readonly env: NodeJS.ProcessEnv;
  /** Calls the API with the bootstrap key (or `apiKey`); the body is parsed JSON or null. */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    apiKey?: string | null,
  ): Promise<ApiResponse<T>>;
  /** Every line the API and relay printed, for assertions on logs. */
  logs(): string[];
  stop(): Promise<void>;
}

/** Fresh random values for the secrets the apps require (ingest-key HMAC, destination-key encryption). */
export function testSecretsEnv(): NodeJS.ProcessEnv {
  return {
    INGEST_KEY_HMAC_SECRET: randomBytes(32).toString('hex'),
    DESTINATION_KEY_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
  };
}

/**
 * Starts PostgreSQL, Redis, then `node dist/apps/api/src/main.js` and `node dist/apps/relay/src/main.js`
 * with the environment README documents, on free loopback ports. Resolves once /healthz answers and the
 * relay says it is ready. Run `npm run build` first.
 */
export async function startRelayStack(env: NodeJS.ProcessEnv = {}): Promise<RelayStack> {
  const postgres = await startPostgres();
  const redis = await startRedis();
  const databaseUrl = await postgres.createDatabase('restream_relay');
  const [port, rtmpPort, relayHttpPort] = [await freePort(), await freePort(), await freePort()];
  const apiKey = `rrk_test_${randomBytes(16).toString('hex')}`;
  const common = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    PORT: String(port),
    RTMP_PORT: String(rtmpPort),
    RELAY_HTTP_PORT: String(relayHttpPort),
    BIND_HOST: '127.0.0.1',
    PUBLIC_RTMP_HOST: '127.0.0.1',
    RELAY_BOOTSTRAP_API_KEY: apiKey,
    ...testSecretsEnv(),
    LEG_RESTART_MIN_DELAY_MS: '300',
    ...env,
  };
  const api = spawnProcess('node', [join(BUILD_ROOT, 'apps/api/src/main.js')], {
    name: 'api',
    env: common,
    ringSize: 2000,
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${apiUrl}/healthz`)).ok, {
    timeoutMs: 60_000,
    message: 'API /healthz',
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${api.tail(40)}`);
  });
  const relay = spawnProcess('node', [join(BUILD_ROOT, 'apps/relay/src/main.js')], {
    name: 'relay',
    env: common,
    ringSize: 5000,
  });
  await relay.waitForLine(/Relay ready/, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${relay.tail(40)}`);
  });

  const request = async <T>(
    method: string,
    path: string,
    body?: unknown,
    key: string | null = apiKey,
  ): Promise<ApiResponse<T>> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };

  return {
    apiUrl,
    relayHttpUrl: `http://127.0.0.1:${relayHttpPort}`,
    rtmpPort,
    apiKey,
    databaseUrl,
    postgres,
    redis,
    api,
    relay,
    env: common,
    request,
    logs: () => [...api.lines(), ...relay.lines()],
    async stop() {
      await Promise.all([relay.stop('SIGTERM', 10_000), api.stop('SIGTERM', 10_000)]);
      await redis.stop();
      await postgres.stop();
    },
  };
}

/**
 * Starts one more relay process of `stack` (`node dist/apps/relay/src/main.js`, same database and Redis),
 * e.g. a restart after `kill -9` of `stack.relay`, or a second relay. `rtmpPort`: its RTMP port (default
 * the stack's, free once the first relay is gone; pass another for a relay running beside it). Resolves
 * when it says it is ready. The caller stops it. Its HTTP server gets a free port of its own
 * (`RELAY_HTTP_PORT` in `env` to choose one).
 */
export async function startRelayProcess(
  stack: RelayStack,
  options: { rtmpPort?: number; name?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ManagedProcess> {
  const relay = spawnProcess('node', [join(BUILD_ROOT, 'apps/relay/src/main.js')], {
    name: options.name ?? 'relay-2',
    env: {
      ...stack.env,
      RTMP_PORT: String(options.rtmpPort ?? stack.rtmpPort),
      RELAY_HTTP_PORT: String(await freePort()),
      ...options.env,
    },
    ringSize: 5000,
  });
  await relay.waitForLine(/Relay ready/, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${relay.tail(40)}`);
  });
  return relay;
}

/** Pids of the ffmpeg processes whose parent is `parentPid` (the relay's legs), from /proc. */
export function ffmpegChildren(parentPid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parentPid && stat.includes('(ffmpeg)')) pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Whether process `pid` still exists (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

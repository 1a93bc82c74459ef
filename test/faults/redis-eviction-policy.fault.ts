import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { freePort } from '../utils/ports';
import { startPostgres, type PostgresServer } from '../utils/postgres';
import { spawnProcess, waitFor, type ManagedProcess } from '../utils/processes';
import { startRedis, type TestRedis } from '../utils/redis';
import { testSecretsEnv } from '../utils/relay-stack';

/** The compiled tree this file runs from (dist/): test/faults → ../.. */
const BUILD_ROOT = join(__dirname, '..', '..');

describe('fault: a Redis that evicts keys is refused at start-up', { timeout: 90_000 }, () => {
  let postgres: PostgresServer;
  let redis: TestRedis;
  let databaseUrl: string;
  let env: NodeJS.ProcessEnv;
  const processes: ManagedProcess[] = [];

  before(async () => {
    postgres = await startPostgres();
    redis = await startRedis({ extraConfig: ['maxmemory-policy allkeys-lru'] });
    databaseUrl = await postgres.createDatabase('restream_relay');
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PORT: String(await freePort()),
      RTMP_PORT: String(await freePort()),
      RELAY_HTTP_PORT: String(await freePort()),
      BIND_HOST: '127.0.0.1',
      ...testSecretsEnv(),
    };
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 5000)));
    await redis?.stop();
    await postgres?.stop();
  });

  const run = (app: 'api' | 'relay'): ManagedProcess => {
    const proc = spawnProcess('node', [join(BUILD_ROOT, `apps/${app}/src/main.js`)], { name: app, env });
    processes.push(proc);
    return proc;
  };

  for (const app of ['api', 'relay'] as const) {
    it(`the ${app} exits with a message saying why`, async () => {
      const proc = run(app);
      const exit = await proc.waitForExit(30_000);
      assert.equal(exit.code, 1, proc.tail());
      const output = proc.tail(20);
      assert.match(output, /maxmemory-policy "allkeys-lru"/);
      assert.match(output, /requires "noeviction"/);
      assert.match(output, /loses jobs/);
      assert.doesNotMatch(output, /^\s+at /m, 'a message, not a stack trace');
    });
  }

  it('refuses before touching the database', async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string | null }>(
        "SELECT to_regclass('public._prisma_migrations')::text AS name",
      );
      assert.equal(rows[0]?.name, null, 'no migration was applied');
    } finally {
      await client.end();
    }
  });

  it('starts once the policy is fixed as the message says', async () => {
    const cli = spawnProcess('redis-cli', [
      '-p',
      String(redis.port),
      'CONFIG',
      'SET',
      'maxmemory-policy',
      'noeviction',
    ]);
    assert.equal((await cli.waitForExit(5000)).code, 0, cli.tail());
    const api = run('api');
    await waitFor(async () => (await fetch(`http://127.0.0.1:${env.PORT}/readyz`)).ok, {
      timeoutMs: 30_000,
      message: 'API ready',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${api.tail()}`);
    });
  });
});

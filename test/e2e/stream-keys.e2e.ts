import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventJson } from '@relay/contracts';
import { logMessages } from '../utils/log-lines';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { freePort } from '../utils/ports';
import { exitWithin, spawnProcess, waitFor } from '../utils/processes';
import { Client } from 'pg';
import { killAllPublishers, startFfmpegPublisher, type Publisher } from '../utils/publishers';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';

const DESTINATION_KEY = `dest-secret-${randomBytes(12).toString('hex')}`;
/** An SRT destination's streamid and passphrase: secrets like a stream key. */
const SRT_STREAM_ID = `#!::r=srt-secret-${randomBytes(8).toString('hex')},m=publish`;
const SRT_PASSPHRASE = `srt-pass-${randomBytes(12).toString('hex')}`;

describe('Stream-key security', { timeout: 120_000 }, () => {
  let stack: RelayStack;
  let destination: TestNginxRtmp;
  let created: EventJson;
  /** Every stream key the test has seen in full: none may appear in logs or the database dump. */
  const secrets: string[] = [DESTINATION_KEY, SRT_STREAM_ID, SRT_PASSPHRASE];
  const publishers: Publisher[] = [];
  const publish = (url: string, maxDurationSec = 60): Publisher => {
    const p = startFfmpegPublisher({ url, width: 320, height: 240, fps: 25, gopFrames: 25, maxDurationSec });
    publishers.push(p);
    return p;
  };
  const getEvent = async (): Promise<EventJson> =>
    (await stack.request<EventJson>('GET', `/v1/events/${created.id}`)).body;

  before(async () => {
    stack = await startRelayStack();
    destination = await startNginxRtmp();
    const response = await stack.request<EventJson>('POST', '/v1/events', { name: 'Keys' });
    assert.equal(response.status, 201);
    created = response.body;
    secrets.push(created.ingest.primary.streamKey, created.ingest.backup.streamKey);
    const added = await stack.request('POST', `/v1/events/${created.id}/destinations`, {
      name: 'nginx',
      url: destination.url,
      streamKey: DESTINATION_KEY,
    });
    assert.equal(added.status, 201);
    const srt = await stack.request('POST', `/v1/events/${created.id}/destinations`, {
      name: 'srt',
      url: 'srt://127.0.0.1:9',
      streamKey: SRT_STREAM_ID,
      passphrase: SRT_PASSPHRASE,
    });
    assert.equal(srt.status, 201);
  });

  after(async () => {
    for (const p of publishers) p.kill();
    killAllPublishers();
    await destination?.remove();
    await stack?.stop();
  });

  it('shows ingest keys in full only when created; elsewhere masked to the last 4 characters', async () => {
    for (const role of ['primary', 'backup'] as const) {
      assert.equal(created.ingest[role].streamKeyShown, true);
      assert.ok(created.ingest[role].streamKey.length >= 43);
    }
    const event = await getEvent();
    const json = JSON.stringify(event);
    for (const role of ['primary', 'backup'] as const) {
      const full = created.ingest[role].streamKey;
      assert.equal(event.ingest[role].streamKeyShown, false);
      assert.equal(event.ingest[role].streamKey, `********${full.slice(-4)}`);
      assert.ok(!json.includes(full), `${role} key not in GET /v1/events/:id`);
    }
    assert.equal(event.destinations[0]!.streamKeyMasked, `********${DESTINATION_KEY.slice(-4)}`);
    assert.ok(!json.includes(DESTINATION_KEY));
  });

  it('rotate-key cuts the old key at once, leaves the other role alone, and the new key works', async () => {
    assert.equal((await stack.request('POST', `/v1/events/${created.id}/start`)).status, 202);
    const primary = publish(created.ingest.primary.url);
    const backup = publish(created.ingest.backup.url);
    await waitFor(
      async () => {
        const e = await getEvent();
        return e.ingest.primary.state === 'live' && e.ingest.backup.state === 'live';
      },
      { timeoutMs: 20_000, message: 'both inputs live' },
    );
    // The destination got the program: its key was decrypted for the leg.
    await waitFor(() => destination.recordings().some((f) => f.includes(DESTINATION_KEY)), {
      timeoutMs: 20_000,
      message: 'destination receives the program under its stream key',
    });

    const rotated = await stack.request<EventJson>(
      'POST',
      `/v1/events/${created.id}/ingest/primary/rotate-key`,
    );
    assert.equal(rotated.status, 200);
    const newKey = rotated.body.ingest.primary.streamKey;
    secrets.push(newKey);
    assert.equal(rotated.body.ingest.primary.streamKeyShown, true);
    assert.notEqual(newKey, created.ingest.primary.streamKey);
    assert.equal(rotated.body.ingest.backup.streamKeyShown, false);

    const exit = await exitWithin(primary, 15_000);
    assert.ok(exit, 'the publisher on the old primary key is cut');
    const retry = publish(created.ingest.primary.url, 10);
    const retryExit = await exitWithin(retry, 15_000);
    assert.ok(retryExit, 'a publish on the old key is refused');
    assert.equal((await getEvent()).ingest.primary.state, 'offline');
    assert.equal((await getEvent()).ingest.backup.state, 'live', 'the backup publisher is untouched');
    assert.equal(backup.pid !== undefined && (await isRunning(backup)), true);

    publish(rotated.body.ingest.primary.url);
    await waitFor(async () => (await getEvent()).ingest.primary.state === 'live', {
      timeoutMs: 20_000,
      message: 'primary live again on the new key',
    });
    assert.equal((await stack.request('POST', `/v1/events/${created.id}/stop`)).status, 202);
    for (const p of publishers) p.kill();
  });

  it('hashes and encrypts keys older versions stored in clear at API start-up, and re-encrypts on rotation', async () => {
    const legacyIngest = `b_legacy_${randomBytes(16).toString('hex')}`;
    const legacyDestination = `legacy-destination-${randomBytes(8).toString('hex')}`;
    secrets.push(legacyIngest, legacyDestination);
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `UPDATE ingests SET stream_key = $1, stream_key_hash = NULL, stream_key_hint = NULL WHERE event_id = $2 AND role = 'backup'`,
        [legacyIngest, created.id],
      );
      await db.query(
        `UPDATE destinations SET stream_key = $1, stream_key_cipher = NULL, stream_key_hint = NULL WHERE event_id = $2`,
        [legacyDestination, created.id],
      );
      // A second API process starting with a new encryption key first (the documented rotation).
      const port = await freePort();
      const rotatedKeys = `k2:${randomBytes(32).toString('base64')},${stack.env.DESTINATION_KEY_ENCRYPTION_KEYS}`;
      const api = spawnProcess('node', [join(__dirname, '../../apps/api/src/main.js')], {
        name: 'api-upgrade',
        env: { ...stack.env, PORT: String(port), DESTINATION_KEY_ENCRYPTION_KEYS: rotatedKeys },
      });
      try {
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, {
          timeoutMs: 20_000,
        });
        const ingest = await db.query<{ stream_key: string | null; stream_key_hash: string | null }>(
          `SELECT stream_key, stream_key_hash FROM ingests WHERE event_id = $1 AND role = 'backup'`,
          [created.id],
        );
        assert.equal(ingest.rows[0]!.stream_key, null);
        assert.ok(ingest.rows[0]!.stream_key_hash);
        const destinations = await db.query<{
          stream_key: string | null;
          stream_key_cipher: string;
          passphrase_cipher: string | null;
        }>(
          `SELECT stream_key, stream_key_cipher, passphrase_cipher FROM destinations WHERE event_id = $1 ORDER BY created_at`,
          [created.id],
        );
        assert.equal(destinations.rows[0]!.stream_key, null);
        assert.match(destinations.rows[0]!.stream_key_cipher, /^k2:/);
        // The SRT passphrase is re-encrypted under the new key too.
        assert.match(destinations.rows[1]!.passphrase_cipher ?? '', /^k2:/);
        assert.ok(!api.lines().join('\n').includes(legacyDestination));
      } finally {
        await api.stop();
      }
    } finally {
      await db.end();
    }
    const event = await getEvent();
    assert.equal(event.ingest.backup.streamKey, `********${legacyIngest.slice(-4)}`);
    assert.equal(event.destinations[0]!.streamKeyMasked, `********${legacyDestination.slice(-4)}`);
    // The relay finds the migrated key by its keyed hash.
    const before = stack.relay.lines().length;
    const p = publish(`rtmp://127.0.0.1:${stack.rtmpPort}/live/${legacyIngest}`, 20);
    await waitFor(
      () =>
        logMessages(stack.relay.lines().slice(before)).some((l) =>
          /publish started.*"role":"backup"/.test(l),
        ),
      { timeoutMs: 15_000, message: 'the migrated backup key is accepted' },
    );
    p.kill();
  });

  it('slows down and logs wrong stream keys from one address, never the key', async () => {
    const server = `rtmp://127.0.0.1:${stack.rtmpPort}/live`;
    const timesMs: number[] = [];
    const wrong: string[] = [];
    for (let i = 0; i < 7; i++) {
      const key = `p_wrong${i}${randomBytes(16).toString('base64url')}`;
      wrong.push(key);
      const startedAt = Date.now();
      await publish(`${server}/${key}`, 20).exited;
      timesMs.push(Date.now() - startedAt);
    }
    console.log(`wrong-key publish answered after (ms): ${timesMs.join(', ')}`);
    // Three answered at once, then 0.5, 1, 2, 4 s of added wait.
    assert.ok(timesMs[6]! - timesMs[0]! >= 3_000, `the 7th wrong key waits longer: ${timesMs.join(', ')} ms`);
    const logs = stack.logs().join('\n');
    assert.match(logs, /unknown stream key; \d+ from this address, its next publish waits \d+ ms/);
    for (const key of wrong) assert.ok(!logs.includes(key.slice(2)), 'a wrong key is never logged');
  });

  it('keeps every stream key out of the logs', () => {
    const logs = stack.logs().join('\n');
    for (const secret of secrets)
      assert.ok(!logs.includes(secret), `a stream key ending ${secret.slice(-4)} was logged`);
  });

  it('keeps ingest and destination stream keys out of a database dump', () => {
    const dump = execFileSync('pg_dump', ['--data-only', stack.databaseUrl], { encoding: 'utf8' });
    assert.match(dump, /COPY public\.ingests/);
    for (const secret of secrets)
      assert.ok(!dump.includes(secret), `a stream key ending ${secret.slice(-4)} is in the dump`);
    assert.ok(!dump.includes(stack.apiKey), 'the API key is stored as a hash only');
  });
});

async function isRunning(p: Publisher): Promise<boolean> {
  return await Promise.race([
    p.exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), 10)),
  ]);
}

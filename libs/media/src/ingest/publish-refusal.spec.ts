import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PublishAuthorizer, PublishTarget } from './ingest-types';
import { RtmpIngestServer } from './rtmp-server';
import { RtmpTestClient } from './testing/rtmp-test-client';

const TARGET: PublishTarget = { eventId: 'ev1', role: 'primary' };

/** Publishes `key` on a new connection; resolves with the status code and the time to it (ms). */
async function timedPublish(port: number, key: string): Promise<{ code: string; ms: number }> {
  const client = await RtmpTestClient.open(port);
  const startedAt = Date.now();
  const code = await client.publish(key);
  const ms = Date.now() - startedAt;
  await client.close();
  return { code, ms };
}

/** An ingest server on a free loopback port that authorizes with `authorize` and keeps its log lines. */
async function startIngest(
  authorize: PublishAuthorizer,
): Promise<{ server: RtmpIngestServer; port: number; logs: string[] }> {
  const logs: string[] = [];
  const server = new RtmpIngestServer({
    app: 'live',
    authorize,
    onPublish: () => ({ onMetadata: () => undefined, onMedia: () => undefined, onEnd: () => undefined }),
    logger: {
      info: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields)}`),
      warn: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields)}`),
    },
  });
  return { server, port: await server.start(0, '127.0.0.1'), logs };
}

describe('RtmpIngestServer: wrong stream keys from one address', () => {
  let server: RtmpIngestServer;
  let port: number;
  let logs: string[];

  before(async () => {
    ({ server, port, logs } = await startIngest(async (_app, key) => (key === 'right-key' ? TARGET : null)));
  });

  after(async () => {
    await server.stop();
  });

  it('answers three wrong keys at once, then makes every publish from the address wait, right key too', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await timedPublish(port, `wrong-key-${i}`);
      assert.equal(answer.code, 'NetStream.Publish.BadName');
      assert.ok(answer.ms < 400, `wrong key ${i + 1} answered after ${answer.ms} ms`);
    }
    const fourth = await timedPublish(port, 'wrong-key-3');
    assert.equal(fourth.code, 'NetStream.Publish.BadName');
    assert.ok(fourth.ms >= 450, `the 4th wrong key waited ${fourth.ms} ms`);
    const right = await timedPublish(port, 'right-key');
    assert.equal(right.code, 'NetStream.Publish.Start');
    assert.ok(right.ms >= 900, `the right key waited ${right.ms} ms too`);
    assert.ok(
      logs.some((l) => /unknown stream key; 4 from this address, its next publish waits 1000 ms/.test(l)),
    );
    assert.ok(!logs.some((l) => l.includes('wrong-key')), 'keys are never logged');
  });

  it('refuses a second publish from the address while one waits', async () => {
    const waiting = timedPublish(port, 'wrong-key-4');
    await new Promise((r) => setTimeout(r, 100));
    const second = await timedPublish(port, 'right-key');
    assert.equal(second.code, 'NetStream.Publish.Denied');
    assert.ok(second.ms < 400);
    assert.equal((await waiting).code, 'NetStream.Publish.BadName');
  });
});

describe('RtmpIngestServer: a right key refused for a reason', () => {
  let server: RtmpIngestServer;
  let port: number;
  let logs: string[];

  before(async () => {
    ({ server, port, logs } = await startIngest(async (_app, key) =>
      key === 'backup-key'
        ? { refused: 'plan_has_no_backup_ingest', target: { eventId: 'ev1', role: 'backup' } }
        : key === 'right-key'
          ? TARGET
          : null,
    ));
  });

  after(async () => {
    await server.stop();
  });

  it('answers Publish.Denied with the reason logged, and never slows the address down', async () => {
    for (let i = 0; i < 6; i++) {
      const answer = await timedPublish(port, 'backup-key');
      assert.equal(answer.code, 'NetStream.Publish.Denied');
      assert.ok(answer.ms < 400, `refusal ${i + 1} answered after ${answer.ms} ms`);
    }
    const right = await timedPublish(port, 'right-key');
    assert.equal(right.code, 'NetStream.Publish.Start');
    assert.ok(right.ms < 400, `the right key waited ${right.ms} ms`);
    const refusals = logs.filter((l) => l.includes('publish refused: plan_has_no_backup_ingest'));
    assert.equal(refusals.length, 6);
    assert.match(refusals[0]!, /"eventId":"ev1","role":"backup"/);
    assert.ok(!logs.some((l) => /unknown stream key/.test(l)), 'not counted as a wrong key');
    assert.ok(!logs.some((l) => l.includes('backup-key')), 'keys are never logged');
  });
});

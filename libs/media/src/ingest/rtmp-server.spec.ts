import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeAmf0 } from '../protocols/amf0/amf0-encoder';
import { Amf0EcmaArray, createAmf0Object } from '../protocols/amf0/amf0-types';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { rawChunk } from '../protocols/rtmp/chunk-test-helpers';
import { RtmpMessageType } from '../protocols/rtmp/rtmp-constants';
import type { PublishEndReason, PublishSessionInfo, PublishTarget } from './ingest-types';
import { RtmpIngestServer } from './rtmp-server';
import type { RtmpIngestServerOptions } from './rtmp-server-options';
import { RtmpTestClient } from './testing/rtmp-test-client';

const PRIMARY_KEY = 'prim-8f3a9c1d2e';
const BACKUP_KEY = 'back-77b2e41f0a';
const KEYS: Record<string, PublishTarget> = {
  [PRIMARY_KEY]: { eventId: 'ev1', role: 'primary' },
  [BACKUP_KEY]: { eventId: 'ev1', role: 'backup' },
};

const AVC_SEQUENCE_HEADER = Buffer.from([0x17, 0x00, 0, 0, 0, 1, 0x64, 0, 0x1f]);
const AVC_KEYFRAME = Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]);
const AAC_SEQUENCE_HEADER = Buffer.from([0xaf, 0x00, 0x11, 0x90]);

interface Publish {
  readonly target: PublishTarget;
  readonly info: PublishSessionInfo;
  readonly metadata: FlvTag[];
  readonly media: FlvTag[];
  readonly ends: PublishEndReason[];
}

interface Harness {
  readonly server: RtmpIngestServer;
  readonly port: number;
  readonly publishes: Publish[];
  readonly logs: string[];
}

async function startHarness(options: Partial<RtmpIngestServerOptions> = {}): Promise<Harness> {
  const publishes: Publish[] = [];
  const logs: string[] = [];
  const server = new RtmpIngestServer({
    app: 'live',
    authorize: async (_app, key) => KEYS[key] ?? null,
    onPublish: (target, info) => {
      const p: Publish = { target, info, metadata: [], media: [], ends: [] };
      publishes.push(p);
      return {
        onMetadata: (tag) => p.metadata.push(tag),
        onMedia: (tag) => p.media.push(tag),
        onEnd: (reason) => p.ends.push(reason),
      };
    },
    logger: {
      info: (msg, fields) => logs.push(`INFO ${msg} ${JSON.stringify(fields)}`),
      warn: (msg, fields) => logs.push(`WARN ${msg} ${JSON.stringify(fields)}`),
    },
    ...options,
  });
  const port = await server.start(0, '127.0.0.1');
  return { server, port, publishes, logs };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function closedWithin(client: RtmpTestClient, ms = 3000): Promise<void> {
  await Promise.race([
    client.closed,
    new Promise((_, reject) => setTimeout(() => reject(new Error('connection still open')), ms)),
  ]);
}

function metadataMessage(): Buffer {
  const meta = Object.assign(createAmf0Object(), { width: 1280, height: 720, framerate: 30 });
  return encodeAmf0('@setDataFrame', 'onMetaData', new Amf0EcmaArray(meta));
}

function assertNoKeyInLogs(logs: readonly string[]): void {
  for (const line of logs) {
    assert.ok(!line.includes(PRIMARY_KEY) && !line.includes(BACKUP_KEY) && !line.includes('wrong-key'), line);
  }
}

describe('RtmpIngestServer over TCP', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.server.stop();
    assertNoKeyInLogs(h.logs);
  });

  it('accepts a publish and hands metadata and media to the sink in order, with their timestamps', async () => {
    const c = await RtmpTestClient.open(h.port);
    assert.equal(await c.publish(`${PRIMARY_KEY}?token=abc`), 'NetStream.Publish.Start');
    // connect replies: Window Ack Size, Set Peer Bandwidth, Set Chunk Size 4096 (5.4).
    const types = c.received.map((m) => m.typeId);
    for (const t of [
      RtmpMessageType.WindowAckSize,
      RtmpMessageType.SetPeerBandwidth,
      RtmpMessageType.UserControl,
    ]) {
      assert.ok(types.includes(t), `message type ${t}`);
    }
    // createStream's _result keeps the layout ffmpeg parses at fixed offsets: null then the number.
    const created = c.received.find(
      (m) =>
        m.typeId === RtmpMessageType.CommandAmf0 &&
        m.payload.subarray(3, 10).toString() === '_result' &&
        m.payload.readDoubleBE(11) === 4,
    )!;
    assert.equal(created.payload[19], 0x05);
    assert.equal(created.payload[20], 0x00);
    assert.equal(created.payload.readDoubleBE(21), 1);
    await c.waitCommand('onFCPublish');

    c.media(RtmpMessageType.DataAmf0, 0, metadataMessage());
    c.media(RtmpMessageType.Video, 0, AVC_SEQUENCE_HEADER);
    c.media(RtmpMessageType.Audio, 0, AAC_SEQUENCE_HEADER);
    for (let i = 0; i < 10; i++)
      c.media(RtmpMessageType.Video, 33 * i, i === 0 ? AVC_KEYFRAME : Buffer.alloc(6000, i));
    await until(() => h.publishes[0]?.media.length === 12, 'media');

    const p = h.publishes[0]!;
    assert.deepEqual(p.target, { eventId: 'ev1', role: 'primary' });
    assert.equal(p.info.encoder, 'FMLE/3.0 (test)');
    assert.equal(p.metadata.length, 1);
    assert.deepEqual(
      p.metadata[0]!.data,
      encodeAmf0(
        'onMetaData',
        new Amf0EcmaArray(Object.assign(createAmf0Object(), { width: 1280, height: 720, framerate: 30 })),
      ),
    );
    assert.deepEqual(p.media[0]!.data, AVC_SEQUENCE_HEADER);
    assert.deepEqual(p.media[1]!.data, AAC_SEQUENCE_HEADER);
    assert.deepEqual(
      p.media.slice(2).map((t) => t.timestamp),
      [0, 33, 66, 99, 132, 165, 198, 231, 264, 297],
    );
    assert.equal(p.media[5]!.data.length, 6000);

    c.command(1, 'FCUnpublish', 6, null, PRIMARY_KEY);
    c.command(1, 'deleteStream', 7, null, 1);
    await until(() => p.ends.length > 0, 'onEnd');
    await c.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(p.ends, ['unpublished']);
    assert.equal(h.server.isLive(p.target), false);
  });

  it('refuses an unknown key with NetStream.Publish.BadName and closes the connection', async () => {
    const before = h.publishes.length;
    const c = await RtmpTestClient.open(h.port);
    assert.equal(await c.publish('wrong-key'), 'NetStream.Publish.BadName');
    await closedWithin(c);
    assert.equal(h.publishes.length, before);
    assert.ok(h.logs.some((l) => l.includes('unknown stream key')));
  });

  it('refuses an unknown application', async () => {
    const c = await RtmpTestClient.open(h.port);
    await c.handshake();
    c.command(0, 'connect', 1, Object.assign(createAmf0Object(), { app: PRIMARY_KEY }));
    const err = await c.waitCommand('_error', 1);
    assert.equal((err.args[0] as Record<string, unknown>)['code'], 'NetConnection.Connect.Rejected');
    await closedWithin(c);
  });

  it('replaces the publisher of a live target: the old sink ends with "replaced" exactly once', async () => {
    const first = await RtmpTestClient.open(h.port);
    assert.equal(await first.publish(BACKUP_KEY), 'NetStream.Publish.Start');
    const p1 = h.publishes.at(-1)!;
    const second = await RtmpTestClient.open(h.port);
    assert.equal(await second.publish(BACKUP_KEY), 'NetStream.Publish.Start');
    const p2 = h.publishes.at(-1)!;
    assert.notEqual(p1, p2);
    await closedWithin(first);
    assert.deepEqual(p1.ends, ['replaced']);
    second.media(RtmpMessageType.Video, 0, AVC_SEQUENCE_HEADER);
    await until(() => p2.media.length === 1, 'media on the new session');
    assert.equal(p1.media.length, 0);
    assert.equal(h.server.kick({ eventId: 'ev1', role: 'backup' }), true);
    await closedWithin(second);
    assert.deepEqual(p2.ends, ['kicked']);
    assert.equal(h.server.kick({ eventId: 'ev1', role: 'backup' }), false);
  });

  it('ends the sink with "disconnected" exactly once when the publisher drops', async () => {
    const c = await RtmpTestClient.open(h.port);
    assert.equal(await c.publish(PRIMARY_KEY), 'NetStream.Publish.Start');
    const p = h.publishes.at(-1)!;
    await c.close();
    await until(() => p.ends.length > 0, 'onEnd');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(p.ends, ['disconnected']);
  });

  it('acknowledges every window of bytes the peer asked for (5.4.3, 5.4.4)', async () => {
    const c = await RtmpTestClient.open(h.port);
    assert.equal(await c.publish(PRIMARY_KEY), 'NetStream.Publish.Start');
    const win = Buffer.alloc(4);
    win.writeUInt32BE(10_000, 0);
    c.send({
      chunkStreamId: 2,
      typeId: RtmpMessageType.WindowAckSize,
      streamId: 0,
      timestamp: 0,
      payload: win,
    });
    for (let i = 0; i < 5; i++) c.media(RtmpMessageType.Video, i, Buffer.alloc(8000));
    await c.until(
      () => c.received.some((m) => m.typeId === RtmpMessageType.Acknowledgement),
      'Acknowledgement',
    );
    const ack = c.received.find((m) => m.typeId === RtmpMessageType.Acknowledgement)!;
    assert.ok(ack.payload.readUInt32BE(0) >= 10_000);
    await c.close();
  });

  it('answers a ping request with a ping response (7.1.7)', async () => {
    const c = await RtmpTestClient.open(h.port);
    await c.handshake();
    const ping = Buffer.from([0, 6, 0, 0, 0x12, 0x34]);
    c.send({
      chunkStreamId: 2,
      typeId: RtmpMessageType.UserControl,
      streamId: 0,
      timestamp: 0,
      payload: ping,
    });
    await c.until(
      () =>
        c.received.some((m) => m.typeId === RtmpMessageType.UserControl && m.payload.readUInt16BE(0) === 7),
      'ping response',
    );
    const pong = c.received.find((m) => m.typeId === RtmpMessageType.UserControl)!;
    assert.equal(pong.payload.readUInt32BE(2), 0x1234);
    await c.close();
  });
});

describe('RtmpIngestServer isolates broken connections', { timeout: 30_000 }, () => {
  let h: Harness;
  let live: RtmpTestClient;
  before(async () => {
    h = await startHarness({ maxMessageLength: 64 * 1024 });
    live = await RtmpTestClient.open(h.port);
    assert.equal(await live.publish(PRIMARY_KEY), 'NetStream.Publish.Start');
  });
  after(async () => {
    await live.close();
    await h.server.stop();
    assertNoKeyInLogs(h.logs);
  });

  async function assertStillServing(): Promise<void> {
    const p = h.publishes[0]!;
    const n = p.media.length;
    live.media(RtmpMessageType.Video, 1000 + n, AVC_KEYFRAME);
    await until(() => p.media.length === n + 1, 'media on the healthy connection');
    assert.deepEqual(p.ends, []);
  }

  it('closes a connection that sends garbage instead of a handshake', async () => {
    const s = connect(h.port, '127.0.0.1');
    await once(s, 'connect');
    s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    s.resume();
    await once(s, 'close');
    assert.ok(h.logs.some((l) => l.startsWith('WARN') && l.includes('unsupported-version')));
    await assertStillServing();
  });

  const aSecret = Buffer.from(PRIMARY_KEY);
  const malformed: [string, string, () => Buffer][] = [
    [
      'a type 3 chunk with no previous chunk',
      'no-previous-chunk',
      () => rawChunk({ fmt: 3, csid: 9, payload: Buffer.alloc(10) }),
    ],
    [
      'a type 1 chunk with no previous chunk',
      'no-previous-chunk',
      () => rawChunk({ fmt: 1, csid: 9, length: 2, payload: Buffer.alloc(2) }),
    ],
    [
      'a message length that changes mid-message',
      'message-length-changed',
      () =>
        Buffer.concat([
          rawChunk({ fmt: 0, csid: 6, length: 300, payload: Buffer.alloc(128) }),
          rawChunk({ fmt: 1, csid: 6, length: 60_000, typeId: 9, payload: Buffer.alloc(128) }),
        ]),
    ],
    [
      'Set Chunk Size 0',
      'chunk-size-out-of-range',
      () => rawChunk({ fmt: 0, csid: 2, typeId: 1, streamId: 0, payload: Buffer.alloc(4) }),
    ],
    [
      'Set Chunk Size 2^31-1',
      'chunk-size-out-of-range',
      () =>
        rawChunk({ fmt: 0, csid: 2, typeId: 1, streamId: 0, payload: Buffer.from([0x7f, 0xff, 0xff, 0xff]) }),
    ],
    [
      'a message over the maximum length',
      'message-too-long',
      () => rawChunk({ fmt: 0, csid: 6, length: 0xffffff }),
    ],
    [
      'a command whose AMF string runs past the message',
      'truncated',
      () =>
        rawChunk({
          fmt: 0,
          csid: 3,
          typeId: 20,
          streamId: 0,
          payload: Buffer.concat([encodeAmf0('connect', 1), Buffer.from([0x02, 0xff, 0xff]), aSecret]),
        }),
    ],
    [
      'a command with 20 levels of nesting',
      'too-deep',
      () =>
        rawChunk({
          fmt: 0,
          csid: 3,
          typeId: 20,
          streamId: 0,
          payload: Buffer.concat([
            encodeAmf0('connect', 1),
            Buffer.alloc(100, 0).fill(Buffer.from([0x0a, 0, 0, 0, 1])),
          ]),
        }),
    ],
    [
      'publish before connect',
      'publish before connect',
      () =>
        rawChunk({
          fmt: 0,
          csid: 3,
          typeId: 20,
          streamId: 1,
          payload: encodeAmf0('publish', 5, null, PRIMARY_KEY),
        }),
    ],
  ];
  for (const [name, reason, bytes] of malformed) {
    it(`closes only the connection that sends ${name}, with one warn line`, async () => {
      const c = await RtmpTestClient.open(h.port);
      await c.handshake();
      c.raw(bytes());
      await closedWithin(c);
      const warn = h.logs.filter((l) => l.startsWith('WARN') && l.includes(reason));
      assert.ok(warn.length >= 1, `a warn line with ${reason}: ${h.logs.join('\n')}`);
      assert.match(warn.at(-1)!, /"sessionId":"[0-9a-f]+-\d+","remoteAddress":"127\.0\.0\.1:\d+"/);
      await assertStillServing();
      assert.equal(await (await RtmpTestClient.open(h.port)).publish(BACKUP_KEY), 'NetStream.Publish.Start');
    });
  }

  it('closes a connection that never completes the handshake after the timeout', async () => {
    const h2 = await startHarness({ handshakeTimeoutMs: 200 });
    const c = await RtmpTestClient.open(h2.port);
    c.raw(Buffer.from([3]));
    await closedWithin(c, 2000);
    assert.ok(h2.logs.some((l) => l.includes('no publish within 200 ms')));
    await h2.server.stop();
  });

  it('stop() ends publishing sessions with "disconnected" and stops listening', async () => {
    const h2 = await startHarness();
    const c = await RtmpTestClient.open(h2.port);
    assert.equal(await c.publish(PRIMARY_KEY), 'NetStream.Publish.Start');
    await h2.server.stop();
    assert.deepEqual(h2.publishes[0]!.ends, ['disconnected']);
    await closedWithin(c);
    await assert.rejects(RtmpTestClient.open(h2.port));
    assert.equal(h2.server.currentState, 'stopped');
  });
});

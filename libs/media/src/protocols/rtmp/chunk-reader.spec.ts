import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawChunk, collectingReader } from './chunk-test-helpers';
import { ChunkWriter } from './chunk-writer';
import { setChunkSizeMessage } from './control-messages';
import { RtmpMessageType } from './rtmp-constants';
import { RtmpProtocolError, type RtmpProtocolErrorCode } from './rtmp-errors';
import type { RtmpMessage } from './rtmp-message';

const bytes = (n: number, seed = 1): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

function throwsCode(fn: () => void, code: RtmpProtocolErrorCode): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof RtmpProtocolError && e.code === code && e.message.includes(code),
  );
}

function summary(m: RtmpMessage): [number, number, number, number, string] {
  return [m.chunkStreamId, m.typeId, m.streamId, m.timestamp, m.payload.toString('hex')];
}

describe('ChunkReader reassembly', () => {
  const writerMessages: RtmpMessage[] = [
    { chunkStreamId: 3, typeId: 20, streamId: 0, timestamp: 0, payload: bytes(300) },
    { chunkStreamId: 6, typeId: 9, streamId: 1, timestamp: 40, payload: bytes(5000, 7) },
    { chunkStreamId: 4, typeId: 8, streamId: 1, timestamp: 41, payload: bytes(1) },
    { chunkStreamId: 70, typeId: 9, streamId: 1, timestamp: 0xfffffe, payload: bytes(129) },
    { chunkStreamId: 400, typeId: 9, streamId: 1, timestamp: 0xffffff, payload: bytes(4096 * 2 + 5) },
    { chunkStreamId: 65599, typeId: 8, streamId: 1, timestamp: 0xfffffffe, payload: bytes(128) },
    { chunkStreamId: 5, typeId: 8, streamId: 1, timestamp: 7, payload: Buffer.alloc(0) },
  ];
  for (const chunkSize of [1, 128, 4096, 65536]) {
    for (const piece of [1, 7, 1000, Infinity]) {
      it(`reassembles messages written at chunk size ${chunkSize}, fed ${piece === Infinity ? 'whole' : `${piece} bytes at a time`}`, () => {
        const writer = new ChunkWriter();
        const announce = writer.write(setChunkSizeMessage(chunkSize));
        writer.setChunkSize(chunkSize);
        const wire = Buffer.concat([announce, ...writerMessages.map((m) => writer.write(m))]);
        const r = collectingReader();
        r.feed(wire, piece === Infinity ? wire.length : piece);
        assert.deepEqual(r.messages.map(summary), writerMessages.map(summary));
        assert.equal(r.reader.inboundChunkSize, chunkSize);
      });
    }
  }

  it('accumulates type 1/2 deltas and repeats the last delta for a type 3 new message (5.3.1.2)', () => {
    const p = bytes(10);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 4, ts: 1000, typeId: 8, payload: p }),
      rawChunk({ fmt: 1, csid: 4, ts: 20, length: 10, typeId: 8, payload: p }),
      rawChunk({ fmt: 2, csid: 4, ts: 23, payload: p }),
      rawChunk({ fmt: 3, csid: 4, payload: p }),
      rawChunk({ fmt: 3, csid: 4, payload: p }),
    ]);
    const r = collectingReader();
    r.feed(wire, 1);
    assert.deepEqual(
      r.messages.map((m) => m.timestamp),
      [1000, 1020, 1043, 1066, 1089],
    );
    assert.ok(r.messages.every((m) => m.streamId === 1 && m.typeId === 8));
  });

  it('reads the extended timestamp of a type 0 chunk and of its type 3 continuations (5.3.1.3)', () => {
    const payload = bytes(300, 3);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 6, ts: 0x12345678, length: 300, payload: payload.subarray(0, 128) }),
      rawChunk({ fmt: 3, csid: 6, ext: 0x12345678, payload: payload.subarray(128, 256) }),
      rawChunk({ fmt: 3, csid: 6, ext: 0x12345678, payload: payload.subarray(256) }),
    ]);
    const r = collectingReader();
    r.feed(wire, 1);
    assert.equal(r.messages.length, 1);
    assert.equal(r.messages[0]!.timestamp, 0x12345678);
    assert.deepEqual(r.messages[0]!.payload, payload);
  });

  it('takes the 4 bytes of a continuation as payload when the encoder omitted the extended timestamp', () => {
    const payload = bytes(200, 5);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 6, ts: 0x01000000, length: 200, payload: payload.subarray(0, 128) }),
      rawChunk({ fmt: 3, csid: 6, payload: payload.subarray(128) }),
    ]);
    const r = collectingReader();
    r.feed(wire);
    assert.deepEqual(r.messages[0]!.payload, payload);
  });

  it('uses an extended delta on type 1 and repeats it on a type 3 new message', () => {
    const p = bytes(4);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 5, ts: 10, typeId: 9, payload: p }),
      rawChunk({ fmt: 1, csid: 5, ts: 0x01000000, length: 4, typeId: 9, payload: p }),
      rawChunk({ fmt: 3, csid: 5, ext: 0x01000000, payload: p }),
    ]);
    const r = collectingReader();
    r.feed(wire, 3);
    assert.deepEqual(
      r.messages.map((m) => m.timestamp),
      [10, 10 + 0x01000000, 10 + 0x02000000],
    );
  });

  it('keeps accumulating past 2^32 ms instead of wrapping', () => {
    const p = bytes(2);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 4, ts: 0xfffffff0, payload: p }),
      rawChunk({ fmt: 2, csid: 4, ts: 0x20, payload: p }),
    ]);
    const r = collectingReader();
    r.feed(wire);
    assert.equal(r.messages[1]!.timestamp, 0xfffffff0 + 0x20);
  });

  it('reads a delta of 2^32 - n as a step back of n ms (GStreamer writes regressions so)', () => {
    const p = bytes(2);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 4, ts: 1000, payload: p }),
      rawChunk({ fmt: 2, csid: 4, ts: 0xffffffff, payload: p }),
      rawChunk({ fmt: 2, csid: 4, ts: 5, payload: p }),
    ]);
    const r = collectingReader();
    r.feed(wire);
    assert.deepEqual(
      r.messages.map((m) => m.timestamp),
      [1000, 999, 1004],
    );
  });

  it('unwraps a type 0 timestamp that wrapped at 2^32, and follows a type 0 that restarts low', () => {
    const p = bytes(2);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 4, ts: 0xffffff00, payload: p }),
      rawChunk({ fmt: 0, csid: 4, ts: 0x10, payload: p }),
      rawChunk({ fmt: 0, csid: 6, ts: 100_000, payload: p }),
      rawChunk({ fmt: 0, csid: 6, ts: 0, payload: p }),
    ]);
    const r = collectingReader();
    r.feed(wire);
    assert.deepEqual(
      r.messages.map((m) => m.timestamp),
      [0xffffff00, 0x100000010, 100_000, 0],
    );
  });

  it('reassembles interleaved chunk streams and applies Set Chunk Size within the same buffer', () => {
    const video = bytes(300, 9);
    const audio = bytes(20, 4);
    const setSize = Buffer.alloc(4);
    setSize.writeUInt32BE(200, 0);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 6, ts: 0, length: 300, typeId: 9, payload: video.subarray(0, 128) }),
      rawChunk({ fmt: 0, csid: 4, ts: 5, typeId: 8, payload: audio }),
      rawChunk({ fmt: 0, csid: 2, ts: 0, typeId: 1, streamId: 0, payload: setSize }),
      rawChunk({ fmt: 3, csid: 6, payload: video.subarray(128) }),
    ]);
    const r = collectingReader();
    r.feed(wire);
    assert.deepEqual(
      r.messages.map((m) => [m.typeId, m.payload.length]),
      [
        [8, 20],
        [9, 300],
      ],
    );
    assert.deepEqual(r.messages[1]!.payload, video);
    assert.equal(r.reader.inboundChunkSize, 200);
  });

  it('discards a partial message on Abort (5.4.2)', () => {
    const abort = Buffer.alloc(4);
    abort.writeUInt32BE(6, 0);
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 6, length: 300, payload: bytes(128) }),
      rawChunk({ fmt: 0, csid: 2, typeId: RtmpMessageType.Abort, streamId: 0, payload: abort }),
      rawChunk({ fmt: 0, csid: 6, ts: 1, length: 3, payload: bytes(3) }),
    ]);
    const r = collectingReader();
    r.feed(wire);
    assert.deepEqual(r.messages.map(summary), [[6, 9, 1, 1, bytes(3).toString('hex')]]);
  });

  it('hands out payloads that later input never changes', () => {
    const r = collectingReader();
    const wire = rawChunk({ fmt: 0, csid: 4, payload: bytes(10) });
    r.feed(wire);
    wire.fill(0);
    r.feed(rawChunk({ fmt: 2, csid: 4, ts: 1, payload: Buffer.alloc(10, 0xee) }));
    assert.deepEqual(r.messages[0]!.payload, bytes(10));
    assert.notEqual(r.messages[0]!.payload, r.messages[1]!.payload);
    assert.deepEqual(r.messages[1]!.payload, Buffer.alloc(10, 0xee));
  });
});

describe('ChunkReader on malformed input (crashes seen in other RTMP servers)', () => {
  it('refuses a message length that changes between chunks of the same message', () => {
    const wire = Buffer.concat([
      rawChunk({ fmt: 0, csid: 6, length: 300, payload: bytes(128) }),
      rawChunk({ fmt: 1, csid: 6, length: 5000, typeId: 9, payload: bytes(128) }),
    ]);
    throwsCode(() => collectingReader().feed(wire), 'message-length-changed');
    const wire0 = Buffer.concat([
      rawChunk({ fmt: 0, csid: 6, length: 300, payload: bytes(128) }),
      rawChunk({ fmt: 0, csid: 6, length: 10, payload: bytes(10) }),
    ]);
    throwsCode(() => collectingReader().feed(wire0, 1), 'message-length-changed');
  });

  for (const fmt of [1, 2, 3] as const) {
    it(`refuses a type ${fmt} chunk with no previous chunk on its chunk stream`, () => {
      throwsCode(
        () => collectingReader().feed(rawChunk({ fmt, csid: 5, length: 4, payload: bytes(4) })),
        'no-previous-chunk',
      );
    });
  }

  it('refuses a type 3 chunk on a chunk stream never seen, even when fed byte by byte', () => {
    const r = collectingReader();
    r.feed(rawChunk({ fmt: 0, csid: 4, payload: bytes(2) }));
    throwsCode(() => r.feed(rawChunk({ fmt: 3, csid: 9 }), 1), 'no-previous-chunk');
  });

  for (const [size, ok] of [
    [0, false],
    [1, true],
    [65536, true],
    [65537, false],
    [0x7fffffff, false],
    [0x80000080, false],
  ] as const) {
    it(`${ok ? 'accepts' : 'refuses'} Set Chunk Size ${size}`, () => {
      const body = Buffer.alloc(4);
      body.writeUInt32BE(size, 0);
      const feed = (): void =>
        collectingReader().feed(rawChunk({ fmt: 0, csid: 2, typeId: 1, streamId: 0, payload: body }));
      if (ok) feed();
      else throwsCode(feed, 'chunk-size-out-of-range');
    });
  }

  it('refuses a Set Chunk Size body shorter than 4 bytes', () => {
    throwsCode(
      () => collectingReader().feed(rawChunk({ fmt: 0, csid: 2, typeId: 1, streamId: 0, payload: bytes(2) })),
      'malformed-control-message',
    );
  });

  it('refuses a message longer than the configured maximum before allocating it', () => {
    throwsCode(
      () => collectingReader({ maxMessageLength: 1000 }).feed(rawChunk({ fmt: 0, csid: 6, length: 1001 })),
      'message-too-long',
    );
    throwsCode(
      () => collectingReader().feed(rawChunk({ fmt: 0, csid: 6, length: 8 * 1024 * 1024 + 1 })),
      'message-too-long',
    );
  });

  it('refuses more than 32 chunk stream ids', () => {
    const r = collectingReader();
    for (let csid = 3; csid < 35; csid++) r.feed(rawChunk({ fmt: 0, csid, payload: bytes(1) }));
    throwsCode(() => r.feed(rawChunk({ fmt: 0, csid: 35, payload: bytes(1) })), 'too-many-chunk-streams');
  });

  it('bounds the bytes held in partial messages across chunk streams', () => {
    const r = collectingReader({ maxMessageLength: 1000, maxPendingBytes: 2500 });
    r.feed(rawChunk({ fmt: 0, csid: 4, length: 1000, payload: bytes(128) }));
    r.feed(rawChunk({ fmt: 0, csid: 5, length: 1000, payload: bytes(128) }));
    throwsCode(() => r.feed(rawChunk({ fmt: 0, csid: 6, length: 1000 })), 'too-much-pending-data');
  });

  it('stays closed after an error', () => {
    const r = collectingReader();
    throwsCode(() => r.feed(rawChunk({ fmt: 3, csid: 5 })), 'no-previous-chunk');
    throwsCode(() => r.feed(rawChunk({ fmt: 0, csid: 5, payload: bytes(1) })), 'reader-closed');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkWriter } from './chunk-writer';

describe('ChunkWriter', () => {
  it('writes a type 0 chunk then type 3 continuations at the chunk size (5.3.1)', () => {
    const w = new ChunkWriter();
    const payload = Buffer.alloc(300, 0xab);
    const out = w.write({ chunkStreamId: 3, typeId: 20, streamId: 0, timestamp: 5, payload });
    // 1 + 11 + 128 | 1 + 128 | 1 + 44
    assert.equal(out.length, 1 + 11 + 300 + 2);
    assert.deepEqual([...out.subarray(0, 12)], [0x03, 0, 0, 5, 0, 0x01, 0x2c, 20, 0, 0, 0, 0]);
    assert.equal(out[12 + 128], 0xc3);
    assert.equal(out[12 + 128 + 1 + 128], 0xc3);
  });

  it('repeats the extended timestamp on every continuation chunk (5.3.1.3)', () => {
    const w = new ChunkWriter();
    const out = w.write({
      chunkStreamId: 3,
      typeId: 9,
      streamId: 1,
      timestamp: 0x01020304,
      payload: Buffer.alloc(129),
    });
    assert.equal(out.readUIntBE(1, 3), 0xffffff);
    assert.equal(out.readUInt32BE(12), 0x01020304);
    assert.equal(out[16 + 128], 0xc3);
    assert.equal(out.readUInt32BE(16 + 129), 0x01020304);
  });

  it('writes 2- and 3-byte basic headers (5.3.1.1)', () => {
    const w = new ChunkWriter();
    const m = { typeId: 8, streamId: 1, timestamp: 0, payload: Buffer.alloc(1) };
    assert.deepEqual([...w.write({ ...m, chunkStreamId: 64 }).subarray(0, 2)], [0, 0]);
    assert.deepEqual([...w.write({ ...m, chunkStreamId: 319 }).subarray(0, 2)], [0, 255]);
    assert.deepEqual([...w.write({ ...m, chunkStreamId: 320 }).subarray(0, 3)], [1, 0, 1]);
    assert.deepEqual([...w.write({ ...m, chunkStreamId: 65599 }).subarray(0, 3)], [1, 255, 255]);
  });

  it('refuses out-of-range chunk sizes and chunk stream ids', () => {
    const w = new ChunkWriter();
    assert.throws(() => w.setChunkSize(0), RangeError);
    assert.throws(() => w.setChunkSize(65537), RangeError);
    const m = { typeId: 8, streamId: 1, timestamp: 0, payload: Buffer.alloc(1) };
    assert.throws(() => w.write({ ...m, chunkStreamId: 1 }), RangeError);
    assert.throws(() => w.write({ ...m, chunkStreamId: 65600 }), RangeError);
  });
});

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ServerHandshake } from './handshake';
import { digestOffset, HANDSHAKE_KEYS, type DigestScheme } from './handshake-digest';
import { RtmpProtocolError } from './rtmp-errors';

const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** A C1 as ffmpeg builds it: version 9.0.124.2 and a player digest (scheme 0). */
function digestC1(scheme: DigestScheme): Buffer {
  const c1 = randomBytes(1536);
  c1.writeUInt32BE(0, 0);
  c1.writeUInt32BE(0x09007c02, 4);
  const at = digestOffset(c1, scheme);
  hmac(HANDSHAKE_KEYS.player.subarray(0, 30), c1.subarray(0, at), c1.subarray(at + 32)).copy(c1, at);
  return c1;
}

describe('ServerHandshake', () => {
  it('answers a simple C1 with S0=3, S1 (time 0, zero, random) and S2 = C1, then passes on the bytes after C2', () => {
    const hs = new ServerHandshake();
    const c1 = randomBytes(1536);
    c1.writeUInt32BE(0, 4);
    const first = hs.feed(Buffer.concat([Buffer.from([3]), c1.subarray(0, 100)]));
    assert.equal(first.reply, null);
    const second = hs.feed(c1.subarray(100));
    assert.ok(second.reply);
    assert.equal(second.reply.length, 3073);
    assert.equal(second.reply[0], 3);
    assert.equal(second.reply.readUInt32BE(1), 0);
    assert.equal(second.reply.readUInt32BE(5), 0);
    assert.deepEqual(second.reply.subarray(1537), c1);
    assert.equal(second.done, false);
    const c2AndMore = Buffer.concat([randomBytes(1536), Buffer.from('chunks')]);
    const a = hs.feed(c2AndMore.subarray(0, 1000));
    assert.equal(a.done, false);
    const b = hs.feed(c2AndMore.subarray(1000));
    assert.equal(b.done, true);
    assert.equal(b.rest?.toString(), 'chunks');
  });

  it('accepts C0, C1 and C2 fed byte by byte', () => {
    const hs = new ServerHandshake();
    const all = Buffer.concat([Buffer.from([3]), Buffer.alloc(1536), Buffer.alloc(1536)]);
    let replies = 0;
    for (let i = 0; i < all.length; i++) if (hs.feed(all.subarray(i, i + 1)).reply) replies++;
    assert.equal(replies, 1);
    assert.equal(hs.done, true);
  });

  for (const scheme of [0, 1] as const) {
    it(`answers a digest C1 (scheme ${scheme}) with an S1 and S2 that pass ffmpeg's client checks`, () => {
      const c1 = digestC1(scheme);
      const { reply } = new ServerHandshake().feed(Buffer.concat([Buffer.from([3]), c1]));
      assert.ok(reply);
      const s1 = reply.subarray(1, 1537);
      const s2 = reply.subarray(1537);
      assert.ok(s1[4]! >= 3, 'server version >= 3 tells clients to check the digest');
      // S1 digest, as rtmp_validate_digest() in ffmpeg checks it (either scheme).
      const valid = ([0, 1] as const).some((sch) => {
        const at = digestOffset(s1, sch);
        return hmac(HANDSHAKE_KEYS.server.subarray(0, 36), s1.subarray(0, at), s1.subarray(at + 32)).equals(
          s1.subarray(at, at + 32),
        );
      });
      assert.ok(valid, 'S1 digest');
      // S2 signature: HMAC(HMAC(serverKey, C1 digest), S2[0..1504]).
      const at = digestOffset(c1, scheme);
      const key = hmac(HANDSHAKE_KEYS.server, c1.subarray(at, at + 32));
      assert.deepEqual(hmac(key, s2.subarray(0, 1504)), s2.subarray(1504));
    });
  }

  for (const [name, first] of [
    ['an HTTP request', 'G'.charCodeAt(0)],
    ['RTMPE (version 6)', 6],
    ['version 0', 0],
  ] as const) {
    it(`refuses ${name} on the first byte`, () => {
      assert.throws(
        () => new ServerHandshake().feed(Buffer.from([first, 1, 2])),
        (e: unknown) => e instanceof RtmpProtocolError && e.code === 'unsupported-version',
      );
    });
  }
});

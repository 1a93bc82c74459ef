import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  hashIngestStreamKey,
  parseEncryptionKeys,
  safeEqual,
  StreamKeyCipher,
  StreamKeyDecryptError,
} from './stream-key-crypto';

const k = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('stream key crypto', () => {
  it('hashes ingest keys with a keyed HMAC: another secret gives another hash', () => {
    const a = hashIngestStreamKey('p_abc', 'secret-one-secret-one-secret-one');
    assert.equal(a, hashIngestStreamKey('p_abc', 'secret-one-secret-one-secret-one'));
    assert.notEqual(a, hashIngestStreamKey('p_abc', 'secret-two-secret-two-secret-two'));
    assert.ok(!a.includes('abc'));
    assert.ok(safeEqual(a, a) && !safeEqual(a, `${a}x`));
  });

  it('encrypts with a fresh IV each time and decrypts back', () => {
    const cipher = new StreamKeyCipher(parseEncryptionKeys(k('k1')));
    const one = cipher.encrypt('live_123456789');
    const two = cipher.encrypt('live_123456789');
    assert.notEqual(one, two);
    assert.ok(one.startsWith('k1:') && !one.includes('live_'));
    assert.equal(cipher.decrypt(one), 'live_123456789');
  });

  it('decrypts values of an older key after a rotation and encrypts with the new one', () => {
    const old = k('old');
    const before = new StreamKeyCipher(parseEncryptionKeys(old)).encrypt('secret-key');
    const after = new StreamKeyCipher(parseEncryptionKeys(`${k('new')},${old}`));
    assert.equal(after.decrypt(before), 'secret-key');
    assert.equal(StreamKeyCipher.keyIdOf(after.encrypt('x')), 'new');
  });

  it('refuses a tampered value and an unknown key id', () => {
    const cipher = new StreamKeyCipher(parseEncryptionKeys(k('k1')));
    const [id, iv, data, tag] = cipher.encrypt('secret-key').split(':');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(
      () => cipher.decrypt([id, iv, flipped.toString('base64url'), tag].join(':')),
      StreamKeyDecryptError,
    );
    assert.throws(() => cipher.decrypt(['k9', iv, data, tag].join(':')), StreamKeyDecryptError);
  });

  it('refuses malformed key lists without echoing them', () => {
    assert.throws(() => parseEncryptionKeys('k1:dG9vc2hvcnQ='), /entry 1 must be/);
    assert.throws(() => parseEncryptionKeys(`${k('a')},${k('a')}`), /distinct/);
  });
});

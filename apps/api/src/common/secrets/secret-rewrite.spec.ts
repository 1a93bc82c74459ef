import { parseEncryptionKeys, StreamKeyCipher } from '@relay/config';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encryptedUnderOldKey, rewriteInBatches, underCurrentKey } from './secret-rewrite';

const k = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('start-up secret rewrites', () => {
  it('rewrites batch after batch until one comes back short, and counts the rows', async () => {
    let left = 450;
    const takes: number[] = [];
    const rewritten: number[] = [];
    const done = await rewriteInBatches(
      (take) => {
        takes.push(take);
        const rows = Array.from({ length: Math.min(take, left) }, (_, i) => left - i);
        return Promise.resolve(rows);
      },
      (row) => {
        rewritten.push(row);
        left -= 1;
        return Promise.resolve();
      },
    );
    assert.equal(done, 450);
    assert.deepEqual(takes, [200, 200, 200]);
    assert.equal(new Set(rewritten).size, 450);
  });

  it('re-encrypts a value under an old key and leaves one under the current key as it is', () => {
    const old = k('old');
    const before = new StreamKeyCipher(parseEncryptionKeys(old)).encrypt('passphrase-1');
    const cipher = new StreamKeyCipher(parseEncryptionKeys(`${k('new')},${old}`));
    const after = underCurrentKey(cipher, before);
    assert.ok(after.startsWith('new:'));
    assert.equal(cipher.decrypt(after), 'passphrase-1');
    assert.equal(underCurrentKey(cipher, after), after);
  });

  it('matches a ciphertext column set and not under the current key id', () => {
    const cipher = new StreamKeyCipher(parseEncryptionKeys(k('k2')));
    assert.deepEqual(encryptedUnderOldKey('secretCipher', cipher), {
      AND: [{ secretCipher: { not: null } }, { NOT: { secretCipher: { startsWith: 'k2:' } } }],
    });
  });
});

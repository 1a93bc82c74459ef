import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** AES-256-GCM IV length: 96 bits (NIST SP 800-38D, 8.2). */
const IV_BYTES = 12;
/** GCM authentication tag length (bytes). */
const TAG_BYTES = 16;
/** AES-256 key length (bytes). */
const KEY_BYTES = 32;

/** A named data-encryption key; the id is stored beside every ciphertext made with it. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/** Thrown when a stored ciphertext cannot be decrypted (unknown key id, tampered or truncated value). */
export class StreamKeyDecryptError extends Error {
  override readonly name = 'StreamKeyDecryptError';
}

/**
 * Parses DESTINATION_KEY_ENCRYPTION_KEYS: `id:base64key[,id:base64key…]`, each key 32 bytes (base64 or
 * base64url). The first key encrypts; all of them decrypt (rotation: put the new key first).
 *
 * @throws Error naming the malformed entry (never echoing key material).
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const keys = value.split(',').map((entry, index) => {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/_=-]+)$/.exec(entry.trim());
    const key = match ? Buffer.from(match[2]!, 'base64') : null;
    if (!match || !key || key.length !== KEY_BYTES)
      throw new Error(`entry ${index + 1} must be <id>:<32 bytes in base64>`);
    return { id: match[1]!, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must be distinct');
  return keys;
}

/**
 * Keyed look-up hash of an ingest stream key: HMAC-SHA256 (RFC 2104) under a server secret, base64url.
 * A database dump alone cannot be used to test guesses without the secret.
 */
export function hashIngestStreamKey(streamKey: string, secret: string): string {
  return createHmac('sha256', secret).update(streamKey, 'utf8').digest('base64url');
}

/** Compares two hashes (or any strings) in constant time for equal lengths. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Last 4 characters of a secret, the most the API ever shows of it after creation. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? '' : secret.slice(-4);
}

/**
 * Encrypts and decrypts destination stream keys with AES-256-GCM, a random 96-bit IV per value.
 * Stored form: `<key id>:<iv>:<ciphertext>:<tag>`, the last three base64url.
 */
export class StreamKeyCipher {
  private readonly byId: Map<string, Buffer>;

  /** @param keys first key encrypts; every key decrypts (see {@link parseEncryptionKeys}). */
  constructor(private readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('StreamKeyCipher needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** Id of the key new values are encrypted with. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string): string {
    const current = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, data, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return `${current.id}:${parts.join(':')}`;
  }

  /** @throws StreamKeyDecryptError for an unknown key id or a value that fails authentication. */
  decrypt(stored: string): string {
    const [id, iv, data, tag, ...rest] = stored.split(':');
    const key = id === undefined ? undefined : this.byId.get(id);
    if (!key || iv === undefined || data === undefined || tag === undefined || rest.length > 0)
      throw new StreamKeyDecryptError(`stored stream key uses unknown key id or format`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new StreamKeyDecryptError(`stored stream key failed authentication (key id ${id})`);
    }
  }

  /** The key id a stored value was encrypted with (to find values to re-encrypt after a rotation). */
  static keyIdOf(stored: string): string {
    return stored.split(':', 1)[0] ?? '';
  }
}

/** The stream-key secrets of this process, built from the validated environment. */
export class StreamKeySecrets {
  readonly cipher: StreamKeyCipher;

  constructor(
    private readonly hmacSecret: string,
    encryptionKeys: string,
  ) {
    this.cipher = new StreamKeyCipher(parseEncryptionKeys(encryptionKeys));
  }

  /** See {@link hashIngestStreamKey}. */
  hashIngestKey(streamKey: string): string {
    return hashIngestStreamKey(streamKey, this.hmacSecret);
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './env.schema';

const base = {
  DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  INGEST_KEY_HMAC_SECRET: 'x'.repeat(32),
  DESTINATION_KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    assert.equal(config.PORT, 3000);
    assert.equal(config.RTMP_PORT, 1935);
    assert.equal(config.PUBLIC_RTMP_HOST, 'localhost');
    assert.equal(config.FFMPEG_PATH, 'ffmpeg');
  });

  it('reads numbers from strings', () => {
    assert.equal(loadConfig({ ...base, PORT: '8080', RTMP_PORT: '19350' }).RTMP_PORT, 19350);
  });

  it('names every invalid variable and its rule', () => {
    assert.throws(
      () => loadConfig({ REDIS_URL: 'http://x', RTMP_PORT: 'abc' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /DATABASE_URL/.test(e.message) &&
        /REDIS_URL must be a redis:\/\//.test(e.message) &&
        /RTMP_PORT must be an integer/.test(e.message),
    );
  });

  it('requires the stream-key secrets and checks the encryption key list', () => {
    assert.throws(
      () => loadConfig({ ...base, INGEST_KEY_HMAC_SECRET: undefined }),
      /INGEST_KEY_HMAC_SECRET must be at least 32 characters/,
    );
    assert.throws(
      () => loadConfig({ ...base, DESTINATION_KEY_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }),
      /DESTINATION_KEY_ENCRYPTION_KEYS: entry 1 must be <id>:<32 bytes in base64>/,
    );
  });
});

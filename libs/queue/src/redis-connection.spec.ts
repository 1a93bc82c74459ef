import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  closeRedisConnection,
  REDIS_RECONNECT_MAX_DELAY_MS,
  redisConnectionFromUrl,
  redisDisplayUrl,
  redisReconnectDelayMs,
} from './redis-connection';

describe('redisConnectionFromUrl', () => {
  it('reads host, port, credentials and database from the URL', () => {
    const options = redisConnectionFromUrl('rediss://user:p%40ss@redis.example:6380/2');
    assert.equal(options.host, 'redis.example');
    assert.equal(options.port, 6380);
    assert.equal(options.username, 'user');
    assert.equal(options.password, 'p@ss');
    assert.equal(options.db, 2);
    assert.deepEqual(options.tls, {});
  });

  it('lets workers wait for Redis and makes HTTP producers fail fast', () => {
    const worker = redisConnectionFromUrl('redis://127.0.0.1:6379');
    assert.equal(worker.maxRetriesPerRequest, null);
    assert.equal(worker.enableOfflineQueue, true);
    const producer = redisConnectionFromUrl('redis://127.0.0.1:6379', { failFast: true });
    assert.equal(producer.maxRetriesPerRequest, 1);
    assert.equal(producer.enableOfflineQueue, false);
  });
});

describe('redisReconnectDelayMs', () => {
  it('retries quickly at first and never waits more than the cap', () => {
    assert.equal(redisReconnectDelayMs(1), 250);
    assert.equal(redisReconnectDelayMs(2), 750);
    for (let times = 1; times < 1000; times++) {
      assert.ok(redisReconnectDelayMs(times) <= REDIS_RECONNECT_MAX_DELAY_MS);
    }
  });
});

describe('redisDisplayUrl', () => {
  it('drops user name and password', () => {
    assert.equal(redisDisplayUrl('redis://user:secret@10.0.0.5:6379/1'), 'redis://10.0.0.5:6379/1');
    assert.equal(redisDisplayUrl('redis://:secret@localhost'), 'redis://localhost');
  });
});

describe('closeRedisConnection', () => {
  const client = (status: string, quit: () => Promise<unknown>) => {
    const calls: string[] = [];
    const fake = {
      status,
      quit: () => (calls.push('quit'), quit()),
      disconnect: () => void calls.push('disconnect'),
    };
    return { fake, calls };
  };

  it('quits a ready connection, and disconnects when QUIT fails', async () => {
    const ok = client('ready', () => Promise.resolve('OK'));
    await closeRedisConnection(ok.fake);
    assert.deepEqual(ok.calls, ['quit']);
    const failing = client('ready', () => Promise.reject(new Error('Connection is closed.')));
    await closeRedisConnection(failing.fake);
    assert.deepEqual(failing.calls, ['quit', 'disconnect']);
  });

  it('disconnects at once a connection that is not ready', async () => {
    const reconnecting = client('reconnecting', () => Promise.resolve('OK'));
    await closeRedisConnection(reconnecting.fake);
    assert.deepEqual(reconnecting.calls, ['disconnect']);
  });
});

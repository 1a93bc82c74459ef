import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEventChange, EventChangePublisher, encodeEventChange } from './event-changes';

describe('event change messages', () => {
  it('carry the event id as {"eventId"} and read back', () => {
    const id = '6f1c2a7e-1d2b-4c3d-9e8f-0a1b2c3d4e5f';
    assert.equal(encodeEventChange(id), `{"eventId":"${id}"}`);
    assert.deepEqual(decodeEventChange(encodeEventChange(id)), { eventId: id });
  });

  it('carry a known cause and drop an unknown one', () => {
    const id = '6f1c2a7e-1d2b-4c3d-9e8f-0a1b2c3d4e5f';
    assert.deepEqual(decodeEventChange(encodeEventChange(id, 'ingest_key_rotated')), {
      eventId: id,
      cause: 'ingest_key_rotated',
    });
    assert.deepEqual(decodeEventChange(JSON.stringify({ eventId: id, cause: 'something_new' })), {
      eventId: id,
    });
  });

  it('ignore anything else published on the channel', () => {
    for (const message of ['', 'nope', '{}', '{"eventId":42}', '{"eventId":""}', 'null', '[]'])
      assert.equal(decodeEventChange(message), null, message);
    assert.equal(decodeEventChange(JSON.stringify({ eventId: 'x'.repeat(65) })), null);
  });
});

describe('EventChangePublisher', () => {
  it('never throws nor waits while Redis is away, and warns once', async () => {
    const lines: string[] = [];
    const logger = { log: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    // Nothing listens on port 1.
    const publisher = new EventChangePublisher('redis://127.0.0.1:1', logger);
    for (let i = 0; i < 100; i++) publisher.publish('event-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 100; i++) publisher.publish('event-1');
    await publisher.stop();
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /not sent to Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});

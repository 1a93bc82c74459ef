import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Amf0DecodeError } from '../amf0/amf0-errors';
import { encodeAmf0 } from '../amf0/amf0-encoder';
import { createAmf0Object } from '../amf0/amf0-types';
import { commandMessage, decodeCommand } from './rtmp-command';
import { RtmpMessageType } from './rtmp-constants';
import { RtmpProtocolError } from './rtmp-errors';

describe('RTMP command messages (7.1.1)', () => {
  it('decodes name, transaction id, command object and arguments', () => {
    const body = encodeAmf0('publish', 5, null, 'key', 'live');
    assert.deepEqual(decodeCommand(body, RtmpMessageType.CommandAmf0), {
      name: 'publish',
      transactionId: 5,
      commandObject: null,
      args: ['key', 'live'],
    });
  });

  it('skips the format byte of an AMF3 command (type 17)', () => {
    const body = Buffer.concat([Buffer.from([0]), encodeAmf0('FCPublish', 0, null, 'k')]);
    assert.equal(decodeCommand(body, RtmpMessageType.CommandAmf3).name, 'FCPublish');
  });

  it('round-trips through commandMessage', () => {
    const o = Object.assign(createAmf0Object(), { level: 'status' });
    const m = commandMessage(1, 'onStatus', 0, null, o);
    assert.equal(m.streamId, 1);
    assert.deepEqual(decodeCommand(m.payload, m.typeId).args, [o]);
  });

  it('refuses a body that is not name + transaction id', () => {
    for (const body of [encodeAmf0(1, 2), encodeAmf0('x', 'y')]) {
      assert.throws(
        () => decodeCommand(body, RtmpMessageType.CommandAmf0),
        (e: unknown) => e instanceof RtmpProtocolError && e.code === 'malformed-command',
      );
    }
  });

  it('throws a typed error for AMF lengths past the buffer and for deep nesting', () => {
    const pastEnd = Buffer.concat([encodeAmf0('connect', 1), Buffer.from([0x03, 0x00, 0xff, 0x61])]);
    assert.throws(
      () => decodeCommand(pastEnd, 20),
      (e: unknown) => e instanceof Amf0DecodeError && e.code === 'truncated',
    );
    const deep = Buffer.concat([
      encodeAmf0('connect', 1),
      Buffer.alloc(10_000, 0x0a).fill(Buffer.from([0x0a, 0, 0, 0, 1])),
    ]);
    assert.throws(
      () => decodeCommand(deep, 20),
      (e: unknown) => e instanceof Amf0DecodeError && e.code === 'too-deep',
    );
  });
});

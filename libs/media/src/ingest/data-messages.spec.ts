import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAmf0 } from '../protocols/amf0/amf0-encoder';
import { Amf0EcmaArray, createAmf0Object } from '../protocols/amf0/amf0-types';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { RtmpProtocolError } from '../protocols/rtmp/rtmp-errors';
import { metadataBody, splitAggregate } from './data-messages';
import { parseAppName, parseEncoderName, parseStreamKey } from './publish-request';

const meta = Object.assign(createAmf0Object(), { width: 640, videocodecid: 7 });

describe('metadataBody (FLV SCRIPTDATA from RTMP data messages)', () => {
  const cases: [string, Buffer, number, Buffer | null][] = [
    [
      '@setDataFrame + ECMA array (ffmpeg, OBS)',
      encodeAmf0('@setDataFrame', 'onMetaData', new Amf0EcmaArray(meta)),
      18,
      encodeAmf0('onMetaData', new Amf0EcmaArray(meta)),
    ],
    [
      'onMetaData + object (GStreamer flvmux)',
      encodeAmf0('onMetaData', meta),
      18,
      encodeAmf0('onMetaData', meta),
    ],
    [
      'AMF3 data message with a 0x00 format byte',
      Buffer.concat([Buffer.from([0]), encodeAmf0('@setDataFrame', 'onMetaData', meta)]),
      15,
      encodeAmf0('onMetaData', meta),
    ],
    ['onTextData', encodeAmf0('onTextData', meta), 18, null],
    ['onMetaData without an object', encodeAmf0('@setDataFrame', 'onMetaData', 'x'), 18, null],
  ];
  for (const [name, payload, typeId, expected] of cases) {
    it(`handles ${name}`, () => assert.deepEqual(metadataBody(payload, typeId), expected));
  }
});

describe('splitAggregate (7.1.6)', () => {
  function subTag(type: number, ts: number, data: Buffer): Buffer {
    const h = Buffer.alloc(11);
    h[0] = type;
    h.writeUIntBE(data.length, 1, 3);
    h.writeUIntBE(ts & 0xffffff, 4, 3);
    h[7] = ts >>> 24;
    const back = Buffer.alloc(4);
    back.writeUInt32BE(11 + data.length, 0);
    return Buffer.concat([h, data, back]);
  }

  it('rebases sub-tag timestamps on the message timestamp', () => {
    const payload = Buffer.concat([
      subTag(9, 5000, Buffer.from([0x17, 1])),
      subTag(8, 5020, Buffer.from([0xaf, 1])),
    ]);
    const tags: FlvTag[] = [];
    splitAggregate({ typeId: 22, streamId: 1, timestamp: 100, chunkStreamId: 6, payload }, (t) =>
      tags.push(t),
    );
    assert.deepEqual(
      tags.map((t) => [t.type, t.timestamp, [...t.data]]),
      [
        [9, 100, [0x17, 1]],
        [8, 120, [0xaf, 1]],
      ],
    );
  });

  it('throws a typed error for a sub-tag past the body', () => {
    const payload = subTag(9, 0, Buffer.alloc(10)).subarray(0, 15);
    assert.throws(
      () =>
        splitAggregate({ typeId: 22, streamId: 1, timestamp: 0, chunkStreamId: 6, payload }, () => undefined),
      (e: unknown) => e instanceof RtmpProtocolError && e.code === 'malformed-aggregate',
    );
  });
});

describe('publish request parsing', () => {
  it('strips the query from the stream key and bounds it', () => {
    assert.equal(parseStreamKey('abc?x=1'), 'abc');
    assert.equal(parseStreamKey('k'.repeat(256)), 'k'.repeat(256));
    assert.equal(parseStreamKey('k'.repeat(257)), null);
    assert.equal(parseStreamKey('?x'), null);
    assert.equal(parseStreamKey('a b'), null);
    assert.equal(parseStreamKey(3), null);
  });

  it('normalizes the app name and sanitizes the encoder name', () => {
    const o = (e: Record<string, string>) => Object.assign(createAmf0Object(), e);
    assert.equal(parseAppName(o({ app: 'live/' })), 'live');
    assert.equal(parseAppName(o({ app: 'live?t=1' })), 'live');
    assert.equal(parseAppName(null), null);
    assert.equal(parseEncoderName(o({ flashVer: 'FMLE/3.0\n' + 'x'.repeat(100) })).length, 64);
    assert.equal(parseEncoderName(o({ flashVer: 'a\u0001b' })), 'a?b');
  });
});

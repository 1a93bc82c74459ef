import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Amf0Marker } from './amf0-constants';
import { Amf0Decoder, decodeAmf0 } from './amf0-decoder';
import { encodeAmf0 } from './amf0-encoder';
import { Amf0DecodeError, Amf0EncodeError, type Amf0DecodeErrorCode } from './amf0-errors';
import { Amf0EcmaArray, createAmf0Object, type Amf0Object, type Amf0Value } from './amf0-types';

function obj(entries: Record<string, Amf0Value>): Amf0Object {
  return Object.assign(createAmf0Object(), entries);
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('AMF0 encode/decode', () => {
  const roundTrips: [string, Amf0Value, string | null][] = [
    ['number', 1.5, '00 3ff8000000000000'],
    ['negative zero', -0, '00 8000000000000000'],
    ['boolean true', true, '01 01'],
    ['boolean false', false, '01 00'],
    ['string', 'ab', '02 0002 6162'],
    ['empty string', '', '02 0000'],
    ['utf-8 string', 'é', '02 0002 c3a9'],
    ['null', null, '05'],
    ['undefined', undefined, '06'],
    ['object', obj({ a: 1 }), '03 0001 61 00 3ff0000000000000 000009'],
    ['empty object', obj({}), '03 000009'],
    ['ECMA array', new Amf0EcmaArray(obj({ w: 2 })), '08 00000001 0001 77 00 4000000000000000 000009'],
    ['strict array', [1, 'x'], '0a 00000002 00 3ff0000000000000 02 0001 78'],
    ['date', new Date(1000), '0b 408f400000000000 0000'],
    ['nested', obj({ o: obj({ a: [null, obj({})] }) }), null],
  ];
  for (const [name, value, wire] of roundTrips) {
    it(`round-trips ${name}`, () => {
      const encoded = encodeAmf0(value);
      if (wire !== null) assert.deepEqual(encoded, hex(wire));
      assert.deepEqual(decodeAmf0(encoded), [value]);
    });
  }

  it('writes strings over 65535 bytes as long strings and reads them back', () => {
    const long = 'x'.repeat(70_000);
    const encoded = encodeAmf0(long);
    assert.equal(encoded[0], Amf0Marker.LongString);
    assert.equal(encoded.readUInt32BE(1), 70_000);
    assert.deepEqual(decodeAmf0(encoded, 0, { ...limits, maxStringLength: 80_000 }), [long]);
  });

  it('decodes several consecutive values and reports the offset', () => {
    const buf = encodeAmf0('connect', 1, obj({ app: 'live' }));
    const d = new Amf0Decoder(buf);
    assert.equal(d.readValue(), 'connect');
    assert.equal(d.readValue(), 1);
    assert.equal(d.offset, 3 + 7 + 9);
    assert.deepEqual(d.readValue(), obj({ app: 'live' }));
    assert.equal(d.remaining, 0);
  });

  it('keeps __proto__ as a plain property (null-prototype objects)', () => {
    const buf = hex('03 0009 5f5f70726f746f5f5f 01 01 000009');
    const [o] = decodeAmf0(buf) as [Amf0Object];
    assert.equal(Object.getPrototypeOf(o), null);
    assert.equal(o['__proto__'], true);
  });

  it('accepts an ECMA array that ends with the buffer instead of an object-end', () => {
    assert.deepEqual(decodeAmf0(hex('08 00000001 0001 61 05')), [new Amf0EcmaArray(obj({ a: null }))]);
  });

  it('reads unsupported (0x0d) as undefined', () => {
    assert.deepEqual(decodeAmf0(hex('0d')), [undefined]);
  });

  it('refuses cycles and over-long property names when encoding', () => {
    const cyclic = obj({});
    cyclic['self'] = cyclic;
    assert.throws(
      () => encodeAmf0(cyclic),
      (e: unknown) => e instanceof Amf0EncodeError && e.code === 'too-deep',
    );
    assert.throws(
      () => encodeAmf0(obj({ ['k'.repeat(70_000)]: 1 })),
      (e: unknown) => e instanceof Amf0EncodeError && e.code === 'key-too-long',
    );
  });
});

const limits = { maxDepth: 16, maxStringLength: 64 * 1024, maxProperties: 1024, maxTotalValues: 16 * 1024 };

function nestedObjects(depth: number): Buffer {
  // depth nested objects {a:{a:...{}}}
  const open = Buffer.from('03', 'hex');
  const key = hex('0001 61');
  const parts: Buffer[] = [];
  for (let i = 0; i < depth; i++) parts.push(open, key);
  parts.push(hex('05'));
  for (let i = 0; i < depth; i++) parts.push(hex('000009'));
  return Buffer.concat(parts);
}

describe('AMF0 decoder on malformed input', () => {
  const manyProps = Buffer.concat([
    hex('03'),
    ...Array.from({ length: 1025 }, (_, i) => encodeAmf0(`k${i}`).subarray(1)).flatMap((k) => [k, hex('05')]),
    hex('000009'),
  ]);
  const cases: [string, Buffer, Amf0DecodeErrorCode][] = [
    ['empty buffer for a value', Buffer.alloc(0), 'truncated'],
    ['number with 7 of 8 bytes', hex('00 3ff00000000000'), 'truncated'],
    ['boolean without its byte', hex('01'), 'truncated'],
    ['string length past the buffer', hex('02 0010 6162'), 'truncated'],
    ['string length field cut', hex('02 00'), 'truncated'],
    ['long string length past the buffer', hex('0c 7fffffff 61'), 'string-too-long'],
    [
      'long string just over the limit',
      Buffer.concat([hex('0c 00010001'), Buffer.alloc(65537)]),
      'string-too-long',
    ],
    ['long string within the limit but past the buffer', hex('0c 00000100 61'), 'truncated'],
    ['object property name past the buffer', hex('03 00ff 61'), 'truncated'],
    ['object without its end', hex('03 0001 61 05'), 'truncated'],
    ['object end without 0x09', hex('03 0000 05'), 'invalid-object-end'],
    ['object-end marker as a value', hex('09'), 'invalid-object-end'],
    ['strict array count past the buffer', hex('0a 000003e8 05'), 'truncated'],
    ['strict array count over the limit', hex('0a ffffffff'), 'too-many-properties'],
    ['date cut short', hex('0b 408f4000'), 'truncated'],
    ['reference marker', hex('07 0001'), 'unsupported-marker'],
    ['AMF3 switch marker', hex('11 04 01'), 'unsupported-marker'],
    ['typed object marker', hex('10'), 'unsupported-marker'],
    ['unknown marker', hex('ff'), 'unsupported-marker'],
    ['nesting of 17 objects', nestedObjects(17), 'too-deep'],
    [
      'nesting of 100000 strict arrays',
      Buffer.concat([...Array<Buffer>(100_000).fill(hex('0a 00000001')), hex('05')]),
      'too-deep',
    ],
    ['1025 properties in one object', manyProps, 'too-many-properties'],
  ];
  for (const [name, buf, code] of cases) {
    it(`throws ${code} for ${name}`, () => {
      const decodeAtLeastOne = (): void => {
        const d = new Amf0Decoder(buf, 0, limits);
        do d.readValue();
        while (d.remaining > 0);
      };
      assert.throws(
        decodeAtLeastOne,
        (e: unknown) => e instanceof Amf0DecodeError && e.code === code && e.message.includes(code),
      );
    });
  }

  it('accepts nesting of exactly 16', () => {
    assert.doesNotThrow(() => decodeAmf0(nestedObjects(16)));
  });

  it('bounds the total number of values in one decode', () => {
    // 40 arrays of 1000 nulls = 40 040 values, each array within the per-array bound.
    const arr = Buffer.concat([hex('0a 000003e8'), Buffer.alloc(1000, Amf0Marker.Null)]);
    const buf = Buffer.concat(Array<Buffer>(40).fill(arr));
    assert.throws(
      () => decodeAmf0(buf),
      (e: unknown) => e instanceof Amf0DecodeError && e.code === 'too-many-values',
    );
  });

  it('never puts payload content in the error message', () => {
    const secret = Buffer.from('supersecretkey', 'latin1');
    const buf = Buffer.concat([hex('02 0040'), secret]);
    assert.throws(
      () => decodeAmf0(buf),
      (e: unknown) => e instanceof Error && !e.message.includes('supersecretkey'),
    );
  });
});

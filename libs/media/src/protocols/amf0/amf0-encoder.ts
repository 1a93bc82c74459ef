import { AMF0_SHORT_STRING_MAX, Amf0Marker, DEFAULT_AMF0_LIMITS } from './amf0-constants';
import { Amf0EncodeError } from './amf0-errors';
import { Amf0EcmaArray, type Amf0Object, type Amf0Value } from './amf0-types';

const OBJECT_END_SIZE = 3; // u16 0 + 0x09 (AMF0 spec 2.5)

/**
 * Encodes values as consecutive AMF0 values into one exactly-sized Buffer (AMF0 spec section 2).
 * Strings longer than 65535 UTF-8 bytes become long strings (2.14); objects with a null or Object
 * prototype become anonymous objects (2.5); `Amf0EcmaArray` becomes an ECMA array (2.10) whose count
 * field is the property count; arrays become strict arrays (2.12); `Date` becomes a date with time zone 0
 * (2.13); properties whose value is a function or symbol are not representable.
 * @throws Amf0EncodeError for nesting deeper than 16 (also catches cycles), property names longer than
 *   65535 bytes, or values with no AMF0 form
 */
export function encodeAmf0(...values: readonly Amf0Value[]): Buffer {
  let size = 0;
  for (const v of values) size += sizeOf(v, 0);
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const v of values) pos = write(buf, pos, v);
  return buf;
}

function sizeOf(value: Amf0Value, depth: number): number {
  if (typeof value === 'number') return 9;
  if (typeof value === 'boolean') return 2;
  if (typeof value === 'string') {
    const n = Buffer.byteLength(value, 'utf8');
    return n > AMF0_SHORT_STRING_MAX ? 5 + n : 3 + n;
  }
  if (value === undefined || value === null) return 1;
  if (typeof value !== 'object') {
    throw new Amf0EncodeError('unencodable-value', `a ${typeof value} has no AMF0 form`);
  }
  if (value instanceof Date) return 11;
  if (depth >= DEFAULT_AMF0_LIMITS.maxDepth) {
    throw new Amf0EncodeError('too-deep', `nesting deeper than ${DEFAULT_AMF0_LIMITS.maxDepth}`);
  }
  if (Array.isArray(value)) {
    let n = 5;
    for (const v of value as readonly Amf0Value[]) n += sizeOf(v, depth + 1);
    return n;
  }
  if (value instanceof Amf0EcmaArray) return 4 + sizeOfProperties(value.properties, depth + 1);
  return sizeOfProperties(value as Amf0Object, depth + 1);
}

function sizeOfProperties(obj: Amf0Object, depth: number): number {
  let n = 1 + OBJECT_END_SIZE;
  for (const key of Object.keys(obj)) {
    const keyLength = Buffer.byteLength(key, 'utf8');
    if (keyLength > AMF0_SHORT_STRING_MAX) {
      throw new Amf0EncodeError('key-too-long', `property name of ${keyLength} bytes`);
    }
    n += 2 + keyLength + sizeOf(obj[key], depth);
  }
  return n;
}

// Sizes were validated by sizeOf(): write() trusts them.
function write(buf: Buffer, pos: number, value: Amf0Value): number {
  if (typeof value === 'number') {
    buf[pos] = Amf0Marker.Number;
    buf.writeDoubleBE(value, pos + 1);
    return pos + 9;
  }
  if (typeof value === 'boolean') {
    buf[pos] = Amf0Marker.Boolean;
    buf[pos + 1] = value ? 1 : 0;
    return pos + 2;
  }
  if (typeof value === 'string') return writeString(buf, pos, value);
  if (value === undefined) {
    buf[pos] = Amf0Marker.Undefined;
    return pos + 1;
  }
  if (value === null) {
    buf[pos] = Amf0Marker.Null;
    return pos + 1;
  }
  if (value instanceof Date) {
    buf[pos] = Amf0Marker.Date;
    buf.writeDoubleBE(value.getTime(), pos + 1);
    buf.writeInt16BE(0, pos + 9);
    return pos + 11;
  }
  if (Array.isArray(value)) {
    const arr = value as readonly Amf0Value[];
    buf[pos] = Amf0Marker.StrictArray;
    buf.writeUInt32BE(arr.length, pos + 1);
    pos += 5;
    for (const v of arr) pos = write(buf, pos, v);
    return pos;
  }
  if (value instanceof Amf0EcmaArray) {
    buf[pos] = Amf0Marker.EcmaArray;
    buf.writeUInt32BE(Object.keys(value.properties).length, pos + 1);
    return writeProperties(buf, pos + 5, value.properties);
  }
  buf[pos] = Amf0Marker.Object;
  return writeProperties(buf, pos + 1, value as Amf0Object);
}

function writeProperties(buf: Buffer, pos: number, obj: Amf0Object): number {
  for (const key of Object.keys(obj)) {
    const n = buf.write(key, pos + 2, 'utf8');
    buf.writeUInt16BE(n, pos);
    pos = write(buf, pos + 2 + n, obj[key]);
  }
  buf.writeUInt16BE(0, pos);
  buf[pos + 2] = Amf0Marker.ObjectEnd;
  return pos + OBJECT_END_SIZE;
}

function writeString(buf: Buffer, pos: number, value: string): number {
  const n = Buffer.byteLength(value, 'utf8');
  if (n > AMF0_SHORT_STRING_MAX) {
    buf[pos] = Amf0Marker.LongString;
    buf.writeUInt32BE(n, pos + 1);
    buf.write(value, pos + 5, 'utf8');
    return pos + 5 + n;
  }
  buf[pos] = Amf0Marker.String;
  buf.writeUInt16BE(n, pos + 1);
  buf.write(value, pos + 3, 'utf8');
  return pos + 3 + n;
}

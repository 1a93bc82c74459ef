import { Amf0Marker, DEFAULT_AMF0_LIMITS, type Amf0Limits } from './amf0-constants';
import { Amf0DecodeError } from './amf0-errors';
import { Amf0EcmaArray, createAmf0Object, type Amf0Object, type Amf0Value } from './amf0-types';

/**
 * Incremental AMF0 decoder over one complete buffer (AMF0 spec section 2).
 *
 * Every length is checked against the bytes remaining before anything is read or allocated; nesting,
 * string length, property count and total value count are bounded by {@link Amf0Limits}.
 * Reference (2.9), movie clip, record set, XML document, typed object and AMF3 switch markers are not
 * supported and throw `unsupported-marker`.
 */
export class Amf0Decoder {
  private pos: number;
  private values = 0;

  /**
   * @param buf the encoded bytes; not copied, not mutated
   * @param offset where to start reading, in bytes
   * @param limits bounds to enforce (defaults: {@link DEFAULT_AMF0_LIMITS})
   */
  constructor(
    private readonly buf: Buffer,
    offset = 0,
    private readonly limits: Amf0Limits = DEFAULT_AMF0_LIMITS,
  ) {
    this.pos = offset;
  }

  /** Current read offset in bytes. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /**
   * Reads one value (marker + body).
   * @throws Amf0DecodeError on truncation, an unsupported marker or a broken bound
   */
  readValue(): Amf0Value {
    return this.value(0);
  }

  /**
   * Reads values until the buffer is exhausted.
   * @throws Amf0DecodeError as {@link readValue}
   */
  readAll(): Amf0Value[] {
    const out: Amf0Value[] = [];
    while (this.pos < this.buf.length) out.push(this.value(0));
    return out;
  }

  private value(depth: number): Amf0Value {
    if (++this.values > this.limits.maxTotalValues) {
      throw new Amf0DecodeError(
        'too-many-values',
        this.pos,
        `more than ${this.limits.maxTotalValues} values`,
      );
    }
    this.need(1, 'marker');
    const markerAt = this.pos;
    const marker = this.buf[this.pos++]!;
    switch (marker) {
      case Amf0Marker.Number:
        this.need(8, 'number');
        this.pos += 8;
        return this.buf.readDoubleBE(this.pos - 8);
      case Amf0Marker.Boolean:
        this.need(1, 'boolean');
        return this.buf[this.pos++] !== 0;
      case Amf0Marker.String:
        return this.utf8(this.u16('string length'));
      case Amf0Marker.LongString:
        return this.utf8(this.u32('long string length'));
      case Amf0Marker.Null:
        return null;
      case Amf0Marker.Undefined:
      case Amf0Marker.Unsupported:
        return undefined;
      case Amf0Marker.Object:
        return this.properties(depth + 1, false);
      case Amf0Marker.EcmaArray:
        // The u32 count is only a hint (encoders write 0 or a wrong value): read until object-end.
        this.u32('ECMA array count');
        return new Amf0EcmaArray(this.properties(depth + 1, true));
      case Amf0Marker.StrictArray:
        return this.strictArray(depth + 1);
      case Amf0Marker.Date: {
        this.need(10, 'date');
        const ms = this.buf.readDoubleBE(this.pos);
        this.pos += 10; // time zone s16 is reserved (2.13) and ignored
        return new Date(ms);
      }
      case Amf0Marker.ObjectEnd:
        throw new Amf0DecodeError('invalid-object-end', markerAt, 'object-end marker outside an object');
      default:
        throw new Amf0DecodeError('unsupported-marker', markerAt, `marker 0x${marker.toString(16)}`);
    }
  }

  private properties(depth: number, ecmaArray: boolean): Amf0Object {
    this.depth(depth);
    const obj = createAmf0Object();
    for (let count = 0; ; count++) {
      // Tolerated: an ECMA array that ends with the buffer instead of an object-end (old encoders).
      if (ecmaArray && this.pos === this.buf.length) return obj;
      const keyLength = this.u16('property name length');
      if (keyLength === 0) {
        this.need(1, 'object-end marker');
        if (this.buf[this.pos] !== Amf0Marker.ObjectEnd) {
          throw new Amf0DecodeError(
            'invalid-object-end',
            this.pos,
            'empty property name not followed by 0x09',
          );
        }
        this.pos++;
        return obj;
      }
      if (count >= this.limits.maxProperties) {
        throw new Amf0DecodeError(
          'too-many-properties',
          this.pos,
          `more than ${this.limits.maxProperties} properties`,
        );
      }
      const key = this.utf8(keyLength);
      obj[key] = this.value(depth);
    }
  }

  private strictArray(depth: number): Amf0Value[] {
    this.depth(depth);
    const countAt = this.pos;
    const count = this.u32('strict array count');
    if (count > this.limits.maxProperties) {
      throw new Amf0DecodeError('too-many-properties', countAt, `strict array of ${count} elements`);
    }
    // Each element takes at least one byte: refuse a count the buffer cannot hold before allocating.
    if (count > this.remaining) {
      throw new Amf0DecodeError('truncated', countAt, `strict array of ${count} elements past the buffer`);
    }
    const out = new Array<Amf0Value>(count);
    for (let i = 0; i < count; i++) out[i] = this.value(depth);
    return out;
  }

  private depth(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new Amf0DecodeError('too-deep', this.pos, `nesting deeper than ${this.limits.maxDepth}`);
    }
  }

  private utf8(length: number): string {
    if (length > this.limits.maxStringLength) {
      throw new Amf0DecodeError('string-too-long', this.pos, `string of ${length} bytes`);
    }
    this.need(length, 'string body');
    this.pos += length;
    return this.buf.toString('utf8', this.pos - length, this.pos);
  }

  private u16(what: string): number {
    this.need(2, what);
    this.pos += 2;
    return this.buf.readUInt16BE(this.pos - 2);
  }

  private u32(what: string): number {
    this.need(4, what);
    this.pos += 4;
    return this.buf.readUInt32BE(this.pos - 4);
  }

  private need(bytes: number, what: string): void {
    if (bytes > this.buf.length - this.pos) {
      throw new Amf0DecodeError(
        'truncated',
        this.pos,
        `${what} needs ${bytes} bytes, ${this.buf.length - this.pos} left`,
      );
    }
  }
}

/**
 * Decodes every AMF0 value in `buf[offset..]` (e.g. an RTMP command or data message body,
 * RTMP spec 1.0 7.1.1 / 7.1.2).
 * @throws Amf0DecodeError on malformed or over-limit input
 */
export function decodeAmf0(buf: Buffer, offset = 0, limits: Amf0Limits = DEFAULT_AMF0_LIMITS): Amf0Value[] {
  return new Amf0Decoder(buf, offset, limits).readAll();
}

/**
 * Protocol numbers and default bounds of AMF0.
 * Source: Adobe Action Message Format AMF0 specification (December 2007), section 2.1 and 2.2-2.18.
 */

/** AMF0 type markers (AMF0 spec 2.1). */
export const Amf0Marker = {
  /** 2.2: IEEE-754 double, 8 bytes big endian. */
  Number: 0x00,
  /** 2.3: one byte, 0 = false. */
  Boolean: 0x01,
  /** 2.4: UTF-8, u16 byte length. */
  String: 0x02,
  /** 2.5: anonymous object, properties until object-end. */
  Object: 0x03,
  /** 2.6: reserved, not supported. */
  MovieClip: 0x04,
  /** 2.7 */
  Null: 0x05,
  /** 2.8 */
  Undefined: 0x06,
  /** 2.9: reference to an earlier complex value; not supported here. */
  Reference: 0x07,
  /** 2.10: associative array: u32 count hint, properties until object-end. */
  EcmaArray: 0x08,
  /** 2.11: terminates an object or ECMA array (after an empty property name). */
  ObjectEnd: 0x09,
  /** 2.12: u32 count, then that many values. */
  StrictArray: 0x0a,
  /** 2.13: double (ms since epoch, UTC) + s16 time zone (reserved, 0). */
  Date: 0x0b,
  /** 2.14: UTF-8, u32 byte length. */
  LongString: 0x0c,
  /** 2.15 */
  Unsupported: 0x0d,
  /** 2.16: reserved, not supported. */
  RecordSet: 0x0e,
  /** 2.17: not supported. */
  XmlDocument: 0x0f,
  /** 2.18: not supported. */
  TypedObject: 0x10,
  /** 3.1: switch to AMF3; not supported by this decoder. */
  AvmPlusObject: 0x11,
} as const;
export type Amf0Marker = (typeof Amf0Marker)[keyof typeof Amf0Marker];

/** Largest byte length of a short string or a property name (u16 length field, AMF0 spec 2.4). */
export const AMF0_SHORT_STRING_MAX = 0xffff;

/** Bounds the decoder enforces; every limit protects memory or CPU against a hostile peer. */
export interface Amf0Limits {
  /** Deepest nesting of objects/arrays; the top level is depth 0. */
  readonly maxDepth: number;
  /** Largest string or long string, in bytes (UTF-8). */
  readonly maxStringLength: number;
  /** Most properties in one object / ECMA array, or elements in one strict array. */
  readonly maxProperties: number;
  /** Most values (at any depth) produced by one decode call. */
  readonly maxTotalValues: number;
}

/** Default decoder bounds: depth 16, strings up to 64 KiB, 1024 properties, 16384 values per decode. */
export const DEFAULT_AMF0_LIMITS: Amf0Limits = {
  maxDepth: 16,
  maxStringLength: 64 * 1024,
  maxProperties: 1024,
  maxTotalValues: 16 * 1024,
};

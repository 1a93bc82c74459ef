/**
 * JavaScript shapes of AMF0 values (AMF0 spec 2.2-2.14).
 *
 * | AMF0                         | JavaScript                                         |
 * |------------------------------|----------------------------------------------------|
 * | number (2.2)                 | `number`                                           |
 * | boolean (2.3)                | `boolean`                                          |
 * | string / long string (2.4, 2.14) | `string`                                       |
 * | object (2.5)                 | {@link Amf0Object} (null prototype)                |
 * | null (2.7)                   | `null`                                             |
 * | undefined / unsupported (2.8, 2.15) | `undefined`                                 |
 * | ECMA array (2.10)            | {@link Amf0EcmaArray}                              |
 * | strict array (2.12)          | `Amf0Value[]`                                      |
 * | date (2.13)                  | `Date` (time zone field ignored, written as 0)     |
 */
export type Amf0Value =
  number | boolean | string | null | undefined | Date | Amf0Object | Amf0EcmaArray | readonly Amf0Value[];

/**
 * An AMF0 anonymous object (AMF0 spec 2.5). Decoded objects have a null prototype, so a property
 * named `__proto__` or `constructor` is plain data.
 */
export interface Amf0Object {
  [key: string]: Amf0Value;
}

/**
 * An AMF0 ECMA array (AMF0 spec 2.10): same content as an object, kept distinct so that re-encoding
 * (e.g. `onMetaData`) preserves the marker the encoder used.
 */
export class Amf0EcmaArray {
  /** @param properties the associative entries, in wire order (null-prototype object). */
  constructor(readonly properties: Amf0Object) {}
}

/** Creates an empty null-prototype {@link Amf0Object}. */
export function createAmf0Object(): Amf0Object {
  return Object.create(null) as Amf0Object;
}

/** Whether `value` is an {@link Amf0Object} (a non-null object that is not an array, date or ECMA array). */
export function isAmf0Object(value: Amf0Value): value is Amf0Object {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Amf0EcmaArray)
  );
}

/** The properties of an object or ECMA array value, or null for any other value. */
export function amf0Properties(value: Amf0Value): Amf0Object | null {
  if (value instanceof Amf0EcmaArray) return value.properties;
  return isAmf0Object(value) ? value : null;
}

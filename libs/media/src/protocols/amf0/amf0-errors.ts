/** What an AMF0 payload got wrong; stable machine-readable codes. */
export type Amf0DecodeErrorCode =
  | 'truncated'
  | 'unsupported-marker'
  | 'too-deep'
  | 'string-too-long'
  | 'too-many-properties'
  | 'too-many-values'
  | 'invalid-object-end';

/**
 * Thrown by the AMF0 decoder for a malformed or over-limit payload (AMF0 spec section 2).
 * The message names the rule and the byte offset, never the payload content (it may hold a stream key).
 */
export class Amf0DecodeError extends Error {
  override readonly name = 'Amf0DecodeError';
  /**
   * @param code which rule was broken
   * @param offset byte offset in the decoded buffer where the problem was found
   * @param detail short description without payload content
   */
  constructor(
    readonly code: Amf0DecodeErrorCode,
    readonly offset: number,
    detail: string,
  ) {
    super(`AMF0 ${code} at byte ${offset}: ${detail}`);
  }
}

/** What a value handed to the AMF0 encoder got wrong. */
export type Amf0EncodeErrorCode = 'too-deep' | 'key-too-long' | 'unencodable-value';

/** Thrown by the AMF0 encoder for a value it cannot represent (cycles, over-long keys, functions...). */
export class Amf0EncodeError extends Error {
  override readonly name = 'Amf0EncodeError';
  constructor(
    readonly code: Amf0EncodeErrorCode,
    detail: string,
  ) {
    super(`AMF0 encode ${code}: ${detail}`);
  }
}

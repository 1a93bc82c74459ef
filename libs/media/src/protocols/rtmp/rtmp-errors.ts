/** Which RTMP rule a peer broke; stable machine-readable codes. */
export type RtmpProtocolErrorCode =
  /** C0 is not version 3 (RTMP spec 1.0, 5.2.2). */
  | 'unsupported-version'
  /** Set Chunk Size outside 1..65536 or with bit 31 set (5.4.1). */
  | 'chunk-size-out-of-range'
  /** A message longer than the configured maximum (5.3.1.2.1). */
  | 'message-too-long'
  /** More distinct chunk stream ids than allowed (5.3.1.1). */
  | 'too-many-chunk-streams'
  /** Partially received messages exceed the per-connection buffer budget. */
  | 'too-much-pending-data'
  /** A type 0/1 header changed the length of a message still being received (5.3.1.2). */
  | 'message-length-changed'
  /** A type 1, 2 or 3 chunk on a chunk stream id that has no previous chunk (5.3.1.2.2-5.3.1.2.4). */
  | 'no-previous-chunk'
  /** A protocol control message with a body shorter than its fixed size (5.4). */
  | 'malformed-control-message'
  /** A command message that is not AMF0 name + transaction id + ... (7.1.1). */
  | 'malformed-command'
  /** An aggregate message whose sub-tags run past its body (7.1.6). */
  | 'malformed-aggregate'
  /** The reader was fed after it had failed or been stopped. */
  | 'reader-closed';

/**
 * Thrown by the RTMP handshake, chunk reader and message decoders when a peer breaks the protocol or a
 * bound. The message names the rule and numbers only, never payload content.
 */
export class RtmpProtocolError extends Error {
  override readonly name = 'RtmpProtocolError';
  constructor(
    readonly code: RtmpProtocolErrorCode,
    detail: string,
  ) {
    super(`RTMP ${code}: ${detail}`);
  }
}

/**
 * One complete RTMP message (RTMP spec 1.0, 6.1 and 5.3.1.2), as reassembled by the chunk reader or
 * serialized by the chunk writer.
 */
export interface RtmpMessage {
  /** Message type id (RTMP spec 1.0, 7.1; see `RtmpMessageType`). */
  readonly typeId: number;
  /** Message stream id (0 for protocol control and NetConnection commands). */
  readonly streamId: number;
  /**
   * Timestamp in milliseconds: the type 0 timestamp plus every delta since, extended timestamps
   * included (5.3.1.2, 5.3.1.3). A plain number: it is not wrapped at 2^32.
   */
  readonly timestamp: number;
  /** Message body; a Buffer owned by the receiver (the reader never touches it again). */
  readonly payload: Buffer;
  /** Chunk stream id the message arrived on / is written to (5.3.1.1). */
  readonly chunkStreamId: number;
}

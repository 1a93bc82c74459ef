/**
 * Protocol numbers of RTMP.
 * Source: Adobe RTMP specification 1.0 (December 2012), sections 5.2 (handshake), 5.3 (chunking),
 * 5.4 (protocol control messages), 6.2 (user control messages) and 7.1 (message types).
 */

/** RTMP version carried in C0/S0 (5.2.2). */
export const RTMP_VERSION = 3;

/** Size of C1/S1/C2/S2 in bytes (5.2.3, 5.2.4). */
export const HANDSHAKE_PACKET_SIZE = 1536;

/** Message type ids (5.4 protocol control, 6.2 user control, 7.1 RTMP messages). */
export const RtmpMessageType = {
  /** 5.4.1: u32, bit 31 zero. */
  SetChunkSize: 1,
  /** 5.4.2: u32 chunk stream id whose partial message is discarded. */
  Abort: 2,
  /** 5.4.3: u32 sequence number = bytes received so far. */
  Acknowledgement: 3,
  /** 6.2 / 7.1.7: u16 event type + event data. */
  UserControl: 4,
  /** 5.4.4: u32 window size in bytes. */
  WindowAckSize: 5,
  /** 5.4.5: u32 window size + u8 limit type. */
  SetPeerBandwidth: 6,
  /** 7.1.5: FLV AUDIODATA. */
  Audio: 8,
  /** 7.1.5: FLV VIDEODATA. */
  Video: 9,
  /** 7.1.2: data message, AMF3 (in practice a 0x00 format byte then AMF0). */
  DataAmf3: 15,
  /** 7.1.3 */
  SharedObjectAmf3: 16,
  /** 7.1.1: command message, AMF3 (in practice a 0x00 format byte then AMF0). */
  CommandAmf3: 17,
  /** 7.1.2: data message (e.g. `@setDataFrame`). */
  DataAmf0: 18,
  /** 7.1.3 */
  SharedObjectAmf0: 19,
  /** 7.1.1: command message (connect, createStream, publish...). */
  CommandAmf0: 20,
  /** 7.1.6: a sequence of FLV tags. */
  Aggregate: 22,
} as const;
export type RtmpMessageType = (typeof RtmpMessageType)[keyof typeof RtmpMessageType];

/** Chunk message header formats, the `fmt` field of the basic header (5.3.1.2). */
export const ChunkFormat = {
  /** 5.3.1.2.1: 11 bytes: timestamp, length, type id, stream id. */
  Full: 0,
  /** 5.3.1.2.2: 7 bytes: timestamp delta, length, type id. */
  SameStream: 1,
  /** 5.3.1.2.3: 3 bytes: timestamp delta. */
  TimestampOnly: 2,
  /** 5.3.1.2.4: no header: continuation, or a new message identical to the previous one. */
  Continuation: 3,
} as const;
export type ChunkFormat = (typeof ChunkFormat)[keyof typeof ChunkFormat];

/** Message header sizes in bytes, indexed by chunk format (5.3.1.2). */
export const CHUNK_MESSAGE_HEADER_SIZE = [11, 7, 3, 0] as const;

/** A 24-bit timestamp field with this value means a 4-byte extended timestamp follows (5.3.1.3). */
export const EXTENDED_TIMESTAMP_MARKER = 0xffffff;

/** Chunk size both sides use until a Set Chunk Size message (5.4.1), in bytes. */
export const DEFAULT_CHUNK_SIZE = 128;

/** Lowest chunk stream id (ids 0 and 1 select the 2- and 3-byte basic header forms, 5.3.1.1). */
export const MIN_CHUNK_STREAM_ID = 2;
/** Highest chunk stream id: 3-byte basic header form (5.3.1.1). */
export const MAX_CHUNK_STREAM_ID = 65599;

/** Chunk stream ids this server writes on. */
export const ChunkStreamId = {
  /** Protocol control and user control messages must use chunk stream id 2 (5.4, 6.2). */
  ProtocolControl: 2,
  /** Command replies (by convention, as Flash Media Server and librtmp do). */
  Command: 3,
} as const;

/** User control event types (6.2, 7.1.7). */
export const UserControlEvent = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;
export type UserControlEvent = (typeof UserControlEvent)[keyof typeof UserControlEvent];

/** Limit types of Set Peer Bandwidth (5.4.5). */
export const PeerBandwidthLimit = {
  Hard: 0,
  Soft: 1,
  Dynamic: 2,
} as const;
export type PeerBandwidthLimit = (typeof PeerBandwidthLimit)[keyof typeof PeerBandwidthLimit];

/** Bounds of the chunk reader (our policy; the spec allows chunk sizes up to 0x7FFFFFFF). */
export const ChunkLimits = {
  /** Largest Set Chunk Size a peer may request, in bytes. */
  MaxChunkSize: 65536,
  /** Default largest message, in bytes: a 1080p keyframe can be about 1 MB. */
  DefaultMaxMessageLength: 8 * 1024 * 1024,
  /** Default most distinct chunk stream ids one connection may use. */
  DefaultMaxChunkStreams: 32,
} as const;

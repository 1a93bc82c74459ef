import { ChunkStreamId, PeerBandwidthLimit, RtmpMessageType, UserControlEvent } from './rtmp-constants';
import { RtmpProtocolError } from './rtmp-errors';
import type { RtmpMessage } from './rtmp-message';

/**
 * Builders and parsers of protocol control (RTMP spec 1.0, 5.4) and user control (6.2, 7.1.7) messages.
 * Builders return messages on chunk stream 2, message stream 0, timestamp 0, as 5.4 requires.
 */

function control(typeId: number, payload: Buffer): RtmpMessage {
  return { chunkStreamId: ChunkStreamId.ProtocolControl, typeId, streamId: 0, timestamp: 0, payload };
}

function u32(value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b;
}

/** Set Chunk Size (5.4.1): `size` in bytes, 1..0x7FFFFFFF. */
export function setChunkSizeMessage(size: number): RtmpMessage {
  return control(RtmpMessageType.SetChunkSize, u32(size & 0x7fffffff));
}

/** Acknowledgement (5.4.3): `sequence` = bytes received so far, modulo 2^32. */
export function acknowledgementMessage(sequence: number): RtmpMessage {
  return control(RtmpMessageType.Acknowledgement, u32(sequence % 0x100000000));
}

/** Window Acknowledgement Size (5.4.4): the peer acknowledges every `size` bytes it receives. */
export function windowAckSizeMessage(size: number): RtmpMessage {
  return control(RtmpMessageType.WindowAckSize, u32(size));
}

/** Set Peer Bandwidth (5.4.5): `size` in bytes, limit type hard/soft/dynamic. */
export function setPeerBandwidthMessage(size: number, limit: PeerBandwidthLimit): RtmpMessage {
  const b = Buffer.allocUnsafe(5);
  b.writeUInt32BE(size >>> 0, 0);
  b[4] = limit;
  return control(RtmpMessageType.SetPeerBandwidth, b);
}

/** User Control Stream Begin (7.1.7): stream `streamId` is ready. */
export function streamBeginMessage(streamId: number): RtmpMessage {
  return userControl(UserControlEvent.StreamBegin, streamId);
}

/** User Control Ping Response (7.1.7): echoes the `timestamp` of a Ping Request. */
export function pingResponseMessage(timestamp: number): RtmpMessage {
  return userControl(UserControlEvent.PingResponse, timestamp);
}

function userControl(event: UserControlEvent, value: number): RtmpMessage {
  const b = Buffer.allocUnsafe(6);
  b.writeUInt16BE(event, 0);
  b.writeUInt32BE(value >>> 0, 2);
  return control(RtmpMessageType.UserControl, b);
}

/**
 * Reads the u32 body of Window Acknowledgement Size or Acknowledgement (5.4.3, 5.4.4) and the u32 after
 * the event type of a user control message (7.1.7) when `offset` is 2.
 * @throws RtmpProtocolError `malformed-control-message` when the body is too short
 */
export function readControlU32(payload: Buffer, offset = 0): number {
  if (payload.length < offset + 4) {
    throw new RtmpProtocolError('malformed-control-message', `control message of ${payload.length} bytes`);
  }
  return payload.readUInt32BE(offset);
}

/**
 * Reads the event type of a user control message (6.2).
 * @throws RtmpProtocolError `malformed-control-message` when shorter than 2 bytes
 */
export function readUserControlEvent(payload: Buffer): number {
  if (payload.length < 2)
    throw new RtmpProtocolError('malformed-control-message', 'user control shorter than 2 bytes');
  return payload.readUInt16BE(0);
}

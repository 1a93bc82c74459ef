import { decodeAmf0 } from '../amf0/amf0-decoder';
import { encodeAmf0 } from '../amf0/amf0-encoder';
import type { Amf0Value } from '../amf0/amf0-types';
import { ChunkStreamId, RtmpMessageType } from './rtmp-constants';
import { RtmpProtocolError } from './rtmp-errors';
import type { RtmpMessage } from './rtmp-message';

/**
 * A decoded command message (RTMP spec 1.0, 7.1.1 and 7.2): name, transaction id, command object,
 * then the optional arguments.
 */
export interface RtmpCommand {
  readonly name: string;
  readonly transactionId: number;
  /** The command object; `null` for most NetStream commands. */
  readonly commandObject: Amf0Value;
  readonly args: readonly Amf0Value[];
}

/**
 * Decodes the body of a command message. Type 17 (AMF3 command) bodies start with a format byte, 0 when
 * the rest is AMF0; that byte is skipped.
 * @throws Amf0DecodeError for malformed AMF0; RtmpProtocolError `malformed-command` when the body does not
 *   start with a string name and a number transaction id
 */
export function decodeCommand(payload: Buffer, typeId: number): RtmpCommand {
  const values = decodeAmf0(payload, typeId === RtmpMessageType.CommandAmf3 && payload[0] === 0 ? 1 : 0);
  const [name, transactionId, commandObject, ...args] = values;
  if (typeof name !== 'string')
    throw new RtmpProtocolError('malformed-command', 'command name is not a string');
  // Some encoders omit the transaction id of fire-and-forget commands: read it as 0.
  if (transactionId !== undefined && typeof transactionId !== 'number') {
    throw new RtmpProtocolError('malformed-command', 'transaction id is not a number');
  }
  return { name, transactionId: transactionId ?? 0, commandObject: commandObject ?? null, args };
}

/**
 * Builds an AMF0 command message (RTMP spec 1.0, 7.1.1) on chunk stream 3.
 * @param streamId message stream id: 0 for NetConnection replies, the stream's id for NetStream ones
 * @throws Amf0EncodeError when a value cannot be encoded
 */
export function commandMessage(
  streamId: number,
  name: string,
  transactionId: number,
  commandObject: Amf0Value,
  ...args: readonly Amf0Value[]
): RtmpMessage {
  return {
    chunkStreamId: ChunkStreamId.Command,
    typeId: RtmpMessageType.CommandAmf0,
    streamId,
    timestamp: 0,
    payload: encodeAmf0(name, transactionId, commandObject, ...args),
  };
}

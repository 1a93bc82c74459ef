import { FlvTagType } from '../protocols/flv/flv-constants';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { decodeAmf0 } from '../protocols/amf0/amf0-decoder';
import { encodeAmf0 } from '../protocols/amf0/amf0-encoder';
import { Amf0EcmaArray, isAmf0Object } from '../protocols/amf0/amf0-types';
import { RtmpMessageType } from '../protocols/rtmp/rtmp-constants';
import { RtmpProtocolError } from '../protocols/rtmp/rtmp-errors';
import type { RtmpMessage } from '../protocols/rtmp/rtmp-message';

const SET_DATA_FRAME = '@setDataFrame';
const ON_METADATA = 'onMetaData';

/**
 * Turns a data message (RTMP spec 1.0, 7.1.2; type 18, or type 15 whose body is a 0x00 format byte then
 * AMF0) carrying stream metadata into an FLV SCRIPTDATA body (FLV spec E.4.4): AMF0 "onMetaData" then the
 * object or ECMA array, re-encoded, with the `@setDataFrame` prefix encoders add dropped.
 * @returns the body, or null for any other data message (onTextData, onCuePoint, @clearDataFrame...)
 * @throws Amf0DecodeError for a malformed body
 */
export function metadataBody(payload: Buffer, typeId: number): Buffer | null {
  const start = typeId === RtmpMessageType.DataAmf3 && payload[0] === 0 ? 1 : 0;
  const values = decodeAmf0(payload, start);
  const i = values[0] === SET_DATA_FRAME ? 1 : 0;
  if (values[i] !== ON_METADATA) return null;
  const data = values[i + 1];
  if (!(data instanceof Amf0EcmaArray) && (data === undefined || !isAmf0Object(data))) return null;
  return encodeAmf0(ON_METADATA, data);
}

const SUB_TAG_HEADER_SIZE = 11;
const BACK_POINTER_SIZE = 4;

/**
 * Splits an aggregate message (RTMP spec 1.0, 7.1.6) into its audio and video FLV tags, calling `emit`
 * for each. Sub-tag timestamps are rebased on the aggregate's: `message.timestamp + (sub - firstSub)`.
 * Tag bodies are views into the aggregate payload (not copied). Other sub-tag types are skipped.
 * @throws RtmpProtocolError `malformed-aggregate` when a sub-tag runs past the body
 */
export function splitAggregate(message: RtmpMessage, emit: (tag: FlvTag) => void): void {
  const p = message.payload;
  let pos = 0;
  let first = -1;
  while (pos < p.length) {
    if (p.length - pos < SUB_TAG_HEADER_SIZE) {
      throw new RtmpProtocolError('malformed-aggregate', `sub-tag header truncated at byte ${pos}`);
    }
    const type = p[pos]!;
    const size = p.readUIntBE(pos + 1, 3);
    const ts = p.readUIntBE(pos + 4, 3) + p[pos + 7]! * 0x1000000;
    const body = pos + SUB_TAG_HEADER_SIZE;
    if (size > p.length - body) {
      throw new RtmpProtocolError(
        'malformed-aggregate',
        `sub-tag of ${size} bytes past the body at byte ${pos}`,
      );
    }
    if (first < 0) first = ts;
    if ((type === FlvTagType.Audio || type === FlvTagType.Video) && size > 0) {
      emit({ type, timestamp: message.timestamp + (ts - first), data: p.subarray(body, body + size) });
    }
    pos = Math.min(p.length, body + size + BACK_POINTER_SIZE);
  }
}

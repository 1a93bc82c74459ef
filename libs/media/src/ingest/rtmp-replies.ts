import { createAmf0Object, type Amf0Object, type Amf0Value } from '../protocols/amf0/amf0-types';
import { commandMessage } from '../protocols/rtmp/rtmp-command';
import type { RtmpMessage } from '../protocols/rtmp/rtmp-message';

/**
 * The command replies the ingest server sends (RTMP spec 1.0, 7.2.1.1 connect, 7.2.1.3 createStream,
 * 7.2.2 onStatus), shaped as encoders parse them. None of them echoes the stream key.
 */

/** NetStream / NetConnection status codes used here (RTMP spec 1.0, 7.2.2). */
export const StatusCode = {
  ConnectSuccess: 'NetConnection.Connect.Success',
  ConnectRejected: 'NetConnection.Connect.Rejected',
  PublishStart: 'NetStream.Publish.Start',
  PublishBadName: 'NetStream.Publish.BadName',
  PublishDenied: 'NetStream.Publish.Denied',
  PlayFailed: 'NetStream.Play.Failed',
} as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

function object(entries: Record<string, Amf0Value>): Amf0Object {
  return Object.assign(createAmf0Object(), entries);
}

function info(level: 'status' | 'error', code: StatusCode, description: string): Amf0Object {
  return object({ level, code, description });
}

/** `_result` of `connect` (7.2.1.1): server properties + NetConnection.Connect.Success, AMF0 encoding. */
export function connectResult(transactionId: number): RtmpMessage {
  return commandMessage(
    0,
    '_result',
    transactionId,
    object({ fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1 }),
    object({ ...info('status', StatusCode.ConnectSuccess, 'Connection succeeded.'), objectEncoding: 0 }),
  );
}

/** `_error` of `connect`: NetConnection.Connect.Rejected (e.g. unknown application). */
export function connectRejected(transactionId: number, description: string): RtmpMessage {
  return commandMessage(
    0,
    '_error',
    transactionId,
    null,
    info('error', StatusCode.ConnectRejected, description),
  );
}

/**
 * `_result` with a null command object then `values` (7.2.1.3). For createStream the stream id must be
 * the fourth AMF value: ffmpeg reads it at a fixed offset after the null.
 */
export function commandResult(transactionId: number, ...values: readonly Amf0Value[]): RtmpMessage {
  return commandMessage(0, '_result', transactionId, null, ...values);
}

/** `onFCPublish` that FMLE-style encoders (OBS, ffmpeg) get after FCPublish. */
export function onFcPublish(): RtmpMessage {
  return commandMessage(
    0,
    'onFCPublish',
    0,
    null,
    info('status', StatusCode.PublishStart, 'FCPublish accepted.'),
  );
}

/** `onStatus` on message stream `streamId` (7.2.2): the stream's id, as GStreamer matches on it. */
export function onStatus(
  streamId: number,
  level: 'status' | 'error',
  code: StatusCode,
  description: string,
): RtmpMessage {
  return commandMessage(streamId, 'onStatus', 0, null, info(level, code, description));
}

import { AvcPacketType, VideoCodecId } from '../protocols/flv/flv-constants';
import { type ChromaFormat, parseH264Sps } from './h264-sps';
import { ProbeError } from './probe-error';

/** Bytes before the AVCDecoderConfigurationRecord in VIDEODATA: frame/codec, AVCPacketType, CTS (E.4.3.1). */
const FLV_AVC_HEADER_SIZE = 5;
/** Fixed part of the record up to the first sequenceParameterSetLength (ISO/IEC 14496-15 5.2.4.1.1). */
const RECORD_FIXED_SIZE = 6;
const CONSTRAINT_SET1 = 0x40;
const CONSTRAINT_SET3 = 0x10;

/** Profile names as ffprobe prints them (libavcodec profiles.c); spec names where ffmpeg has none. */
const PROFILE_NAMES: ReadonlyMap<number, string> = new Map([
  [44, 'CAVLC 4:4:4'],
  [66, 'Baseline'],
  [77, 'Main'],
  [83, 'Scalable Baseline'],
  [86, 'Scalable High'],
  [88, 'Extended'],
  [100, 'High'],
  [110, 'High 10'],
  [118, 'Multiview High'],
  [122, 'High 4:2:2'],
  [128, 'Stereo High'],
  [134, 'MFC High'],
  [135, 'MFC Depth High'],
  [138, 'Multiview Depth High'],
  [139, 'Enhanced Multiview Depth High'],
  [244, 'High 4:4:4 Predictive'],
]);

/**
 * An AVC (H.264) video configuration as read from an FLV AVC sequence header.
 *
 * - `profile`: the profile's name as ffprobe prints it ('Constrained Baseline', 'Baseline', 'Main',
 *   'High', 'High 10', 'High 4:2:2', 'High 4:4:4 Predictive', the '… Intra' variants), or
 *   `profile_idc N` for an unknown one (ITU-T H.264 A.2).
 * - `level`: '1b', '1.1' … '6.2' (ITU-T H.264 Table A-1); `levelIdc` the raw level_idc (ffprobe's `level`).
 * - `width`, `height`: displayed size in pixels (frame cropping applied).
 * - `frameRate`: frames per second from the SPS VUI timing info, time_scale / (2 * num_units_in_tick);
 *   null when the encoder wrote none.
 * - `bitDepth`: luma bits per sample.
 */
export interface AvcVideoConfig {
  codec: 'h264';
  profile: string;
  profileIdc: number;
  level: string;
  levelIdc: number;
  width: number;
  height: number;
  frameRate: number | null;
  chromaFormat: ChromaFormat;
  bitDepth: number;
}

/**
 * Parses the body of an FLV AVC sequence header: VIDEODATA with CodecID 7 and AVCPacketType 0
 * (FLV spec v10.1 E.4.3.1) holding an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), and
 * the record's first sequence parameter set (ITU-T H.264 7.3.2.1.1). Runs once per sequence header.
 *
 * @param body the FLV tag body (FlvTag.data), starting with the frame type/codec byte.
 * @throws ProbeError when the body is not an AVC sequence header, the record is truncated or has no
 *   SPS, or the SPS is malformed; the error's `rule` names the field.
 */
export function parseAvcDecoderConfig(body: Buffer): AvcVideoConfig {
  if (body.length < 2) throw new ProbeError('FLV E.4.3.1 VIDEODATA', `${body.length} bytes is too short`);
  const codecId = body[0]! & 0x0f;
  if (codecId !== VideoCodecId.Avc) throw new ProbeError('FLV E.4.3.1 CodecID', `${codecId} is not 7 (AVC)`);
  if (body[1] !== AvcPacketType.SequenceHeader) {
    throw new ProbeError('FLV E.4.3.1 AVCPacketType', `${body[1]} is not 0 (sequence header)`);
  }
  const record = body.subarray(FLV_AVC_HEADER_SIZE);
  if (record.length < RECORD_FIXED_SIZE) {
    throw new ProbeError('ISO/IEC 14496-15 5.2.4.1 AVCDecoderConfigurationRecord', 'truncated');
  }
  if (record[0] !== 1) {
    throw new ProbeError('ISO/IEC 14496-15 5.2.4.1 configurationVersion', `${record[0]} is not 1`);
  }
  const spsCount = record[5]! & 0x1f;
  if (spsCount === 0) throw new ProbeError('ISO/IEC 14496-15 5.2.4.1 numOfSequenceParameterSets', 'is 0');
  const spsStart = RECORD_FIXED_SIZE + 2;
  if (record.length < spsStart) {
    throw new ProbeError('ISO/IEC 14496-15 5.2.4.1 sequenceParameterSetLength', 'truncated');
  }
  const spsLength = record.readUInt16BE(RECORD_FIXED_SIZE);
  if (spsStart + spsLength > record.length) {
    throw new ProbeError(
      'ISO/IEC 14496-15 5.2.4.1 sequenceParameterSetNALUnit',
      `${spsLength} bytes announced, ${record.length - spsStart} present`,
    );
  }
  const sps = parseH264Sps(record.subarray(spsStart, spsStart + spsLength));
  return {
    codec: 'h264',
    profile: h264ProfileName(sps.profileIdc, sps.constraintFlags),
    profileIdc: sps.profileIdc,
    level: h264LevelName(sps.levelIdc, sps.profileIdc, sps.constraintFlags),
    levelIdc: sps.levelIdc,
    width: sps.width,
    height: sps.height,
    frameRate: sps.frameRate,
    chromaFormat: sps.chromaFormat,
    bitDepth: sps.bitDepth,
  };
}

/**
 * The name of an H.264 profile (ITU-T H.264 A.2) as ffprobe prints it: constraint_set1 makes Baseline
 * "Constrained Baseline"; constraint_set3 makes High 10/4:2:2/4:4:4 their "Intra" profiles.
 *
 * @param constraintFlags the SPS byte with constraint_set0_flag (0x80) … constraint_set5_flag (0x04).
 */
export function h264ProfileName(profileIdc: number, constraintFlags: number): string {
  const intra = (constraintFlags & CONSTRAINT_SET3) !== 0;
  switch (profileIdc) {
    case 66:
      return (constraintFlags & CONSTRAINT_SET1) !== 0 ? 'Constrained Baseline' : 'Baseline';
    case 110:
      return intra ? 'High 10 Intra' : 'High 10';
    case 122:
      return intra ? 'High 4:2:2 Intra' : 'High 4:2:2';
    case 244:
      return intra ? 'High 4:4:4 Intra' : 'High 4:4:4 Predictive';
    default:
      return PROFILE_NAMES.get(profileIdc) ?? `profile_idc ${profileIdc}`;
  }
}

/**
 * The name of an H.264 level (ITU-T H.264 Table A-1): level_idc / 10 with one decimal ('3.1', '4.0'),
 * and '1b' for level_idc 9, or 11 with constraint_set3 in the Baseline, Main and Extended profiles.
 */
export function h264LevelName(levelIdc: number, profileIdc: number, constraintFlags: number): string {
  const constrainedProfile = profileIdc === 66 || profileIdc === 77 || profileIdc === 88;
  if (
    levelIdc === 9 ||
    (levelIdc === 11 && constrainedProfile && (constraintFlags & CONSTRAINT_SET3) !== 0)
  ) {
    return '1b';
  }
  return `${Math.floor(levelIdc / 10)}.${levelIdc % 10}`;
}

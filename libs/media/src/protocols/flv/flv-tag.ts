import {
  AacPacketType,
  AvcPacketType,
  FlvTagType,
  SoundFormat,
  VideoCodecId,
  VideoFrameType,
} from './flv-constants';

/**
 * One FLV tag as it travels through the media plane: the RTMP audio (8), video (9) or data (18)
 * message body, unchanged, with its decode timestamp.
 *
 * - `timestamp`: DTS in milliseconds (RTMP spec 1.0, 5.3.1.2; FLV spec E.4.1 Timestamp + TimestampExtended).
 *   Kept as a plain number so it never wraps at 2^32 inside the relay.
 * - `data`: the tag body (AUDIODATA, VIDEODATA or SCRIPTDATA, FLV spec E.4.2-E.4.4); never mutated.
 */
export interface FlvTag {
  readonly type: FlvTagType;
  readonly timestamp: number;
  readonly data: Buffer;
}

/**
 * Whether the tag is an AVC sequence header (AVCDecoderConfigurationRecord, ISO/IEC 14496-15 5.2.4.1),
 * i.e. VIDEODATA with CodecID 7 and AVCPacketType 0 (FLV spec E.4.3.1).
 */
export function isVideoSequenceHeader(tag: FlvTag): boolean {
  return (
    tag.type === FlvTagType.Video &&
    tag.data.length >= 2 &&
    (tag.data[0]! & 0x0f) === VideoCodecId.Avc &&
    tag.data[1] === AvcPacketType.SequenceHeader
  );
}

/**
 * Whether the tag is an AAC sequence header (AudioSpecificConfig, ISO/IEC 14496-3 1.6.2.1),
 * i.e. AUDIODATA with SoundFormat 10 and AACPacketType 0 (FLV spec E.4.2.1).
 */
export function isAudioSequenceHeader(tag: FlvTag): boolean {
  return (
    tag.type === FlvTagType.Audio &&
    tag.data.length >= 2 &&
    tag.data[0]! >> 4 === SoundFormat.Aac &&
    tag.data[1] === AacPacketType.SequenceHeader
  );
}

/**
 * Whether the tag is an AVC end-of-sequence marker: VIDEODATA with CodecID 7 and AVCPacketType 2
 * (FLV spec E.4.3.1). Encoders (ffmpeg's FLV muxer) send one with their last frame's timestamp when they
 * stop publishing.
 */
export function isAvcEndOfSequence(tag: FlvTag): boolean {
  return (
    tag.type === FlvTagType.Video &&
    tag.data.length >= 2 &&
    (tag.data[0]! & 0x0f) === VideoCodecId.Avc &&
    tag.data[1] === AvcPacketType.EndOfSequence
  );
}

/**
 * Whether the tag starts a GOP: a video keyframe (FrameType 1) that is not a sequence header
 * (FLV spec E.4.3.1).
 */
export function isVideoKeyframe(tag: FlvTag): boolean {
  return (
    tag.type === FlvTagType.Video &&
    tag.data.length >= 2 &&
    tag.data[0]! >> 4 === VideoFrameType.Keyframe &&
    !isVideoSequenceHeader(tag)
  );
}

/**
 * Whether the tag carries coded media (audio samples or a video frame), as opposed to a sequence
 * header, an end-of-sequence marker or script data. Used by stall detection.
 */
export function isMediaFrame(tag: FlvTag): boolean {
  if (tag.type === FlvTagType.Audio) return !isAudioSequenceHeader(tag);
  if (tag.type === FlvTagType.Video) {
    if (tag.data.length < 2) return false;
    if ((tag.data[0]! & 0x0f) === VideoCodecId.Avc) return tag.data[1] === AvcPacketType.Nalu;
    return tag.data[0]! >> 4 !== VideoFrameType.InfoOrCommand;
  }
  return false;
}

/**
 * Protocol numbers of the FLV container.
 * Source: Adobe Flash Video File Format Specification v10.1, annex E ("The FLV File Format").
 */

/** FLV tag types (E.4.1 FLV Tag, field TagType). */
export const FlvTagType = {
  Audio: 8,
  Video: 9,
  ScriptData: 18,
} as const;
export type FlvTagType = (typeof FlvTagType)[keyof typeof FlvTagType];

/** Video frame types, upper nibble of the first VIDEODATA byte (E.4.3.1). */
export const VideoFrameType = {
  Keyframe: 1,
  InterFrame: 2,
  DisposableInterFrame: 3,
  GeneratedKeyframe: 4,
  InfoOrCommand: 5,
} as const;

/** Video codec ids, lower nibble of the first VIDEODATA byte (E.4.3.1). */
export const VideoCodecId = {
  Avc: 7,
} as const;

/** AVCPacketType, second VIDEODATA byte when CodecID is 7 (E.4.3.1). */
export const AvcPacketType = {
  SequenceHeader: 0,
  Nalu: 1,
  EndOfSequence: 2,
} as const;

/** Sound formats, upper nibble of the first AUDIODATA byte (E.4.2.1). */
export const SoundFormat = {
  Mp3: 2,
  Aac: 10,
} as const;

/** AACPacketType, second AUDIODATA byte when SoundFormat is 10 (E.4.2.1). */
export const AacPacketType = {
  SequenceHeader: 0,
  Raw: 1,
} as const;

/** Size of the FLV file header (E.2) in bytes. */
export const FLV_HEADER_SIZE = 9;
/** Size of an FLV tag header (E.4.1) in bytes. */
export const FLV_TAG_HEADER_SIZE = 11;
/** Size of the PreviousTagSize field that follows every tag (E.3) in bytes. */
export const FLV_PREVIOUS_TAG_SIZE_SIZE = 4;

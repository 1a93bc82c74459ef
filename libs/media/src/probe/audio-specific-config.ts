import { AacPacketType, SoundFormat } from '../protocols/flv/flv-constants';
import { BitReader } from './bit-reader';
import { ProbeError } from './probe-error';

/** Bytes before the AudioSpecificConfig in AUDIODATA: format/rate/size/type, AACPacketType (E.4.2.1). */
const FLV_AAC_HEADER_SIZE = 2;
const CONTEXT = 'ISO/IEC 14496-3 1.6.2.1';
/** samplingFrequencyIndex values (ISO/IEC 14496-3 Table 1.18); 13, 14 reserved, 15 = explicit 24-bit value. */
const SAMPLING_FREQUENCIES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];
const FREQUENCY_ESCAPE = 0xf;
/** Channels per channelConfiguration (Table 1.19 as amended); 0 = program config element, 8-10 reserved. */
const CHANNELS_BY_CONFIGURATION = [0, 1, 2, 3, 4, 5, 6, 8, -1, -1, -1, 7, 8, 24, 8];
const AOT_ESCAPE = 31;
const AOT_SBR = 5;
const AOT_PS = 29;
/** Object types that use GASpecificConfig (Table 1.15). */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);
/** syncExtensionType values of backward-compatible SBR / PS signalling (1.6.5.2). */
const SYNC_EXTENSION_SBR = 0x2b7;
const SYNC_EXTENSION_PS = 0x548;

/** Profile names by audio object type, as ffprobe prints them; spec names where ffmpeg has none. */
const PROFILE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'Main'],
  [2, 'LC'],
  [3, 'SSR'],
  [4, 'LTP'],
  [5, 'HE-AAC'],
  [6, 'Scalable'],
  [17, 'ER AAC LC'],
  [19, 'ER AAC LTP'],
  [20, 'ER AAC Scalable'],
  [22, 'ER BSAC'],
  [23, 'LD'],
  [29, 'HE-AACv2'],
  [39, 'ELD'],
  [42, 'xHE-AAC'],
]);

/**
 * An AAC configuration as read from an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1).
 *
 * - `profile`: 'LC', 'Main', 'HE-AAC' (SBR signalled), 'HE-AACv2' (PS signalled), 'LD', 'ELD', … or
 *   `object type N`.
 * - `objectType`: audioObjectType as first signalled (Table 1.1): 5 or 29 for explicitly signalled
 *   HE-AAC / HE-AACv2, otherwise the core type (2 for LC, also with backward-compatible SBR signalling).
 * - `sampleRate`: output sampling rate in Hz: the SBR extension rate when SBR is signalled.
 * - `channels`: output channel count (from channelConfiguration or the program config element;
 *   2 for parametric stereo over a mono core).
 */
export interface AacAudioConfig {
  codec: 'aac';
  profile: string;
  objectType: number;
  sampleRate: number;
  channels: number;
  sbr: boolean;
  ps: boolean;
}

/**
 * Parses the body of an FLV AAC sequence header: AUDIODATA with SoundFormat 10 and AACPacketType 0
 * (FLV spec v10.1 E.4.2.1) followed by an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1).
 *
 * @param body the FLV tag body (FlvTag.data), starting with the SoundFormat byte.
 * @throws ProbeError when the body is not an AAC sequence header or the config is truncated or uses a
 *   reserved sampling frequency index or channel configuration.
 */
export function parseAacSequenceHeader(body: Buffer): AacAudioConfig {
  if (body.length < FLV_AAC_HEADER_SIZE) {
    throw new ProbeError('FLV E.4.2.1 AUDIODATA', `${body.length} bytes is too short`);
  }
  const soundFormat = body[0]! >> 4;
  if (soundFormat !== SoundFormat.Aac) {
    throw new ProbeError('FLV E.4.2.1 SoundFormat', `${soundFormat} is not 10 (AAC)`);
  }
  if (body[1] !== AacPacketType.SequenceHeader) {
    throw new ProbeError('FLV E.4.2.1 AACPacketType', `${body[1]} is not 0 (sequence header)`);
  }
  return parseAudioSpecificConfig(body.subarray(FLV_AAC_HEADER_SIZE));
}

/**
 * Parses an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), including explicit (object type 5/29) and
 * backward-compatible (syncExtensionType 0x2b7/0x548, 1.6.5.2) SBR/PS signalling and the program config
 * element of channelConfiguration 0 (4.4.1.1).
 *
 * @throws ProbeError on truncation, a reserved samplingFrequencyIndex or channelConfiguration, or
 *   channelConfiguration 0 for an object type without a GASpecificConfig.
 */
export function parseAudioSpecificConfig(config: Buffer): AacAudioConfig {
  const r = new BitReader(config, CONTEXT);
  const objectType = readObjectType(r);
  let coreType = objectType;
  let sampleRate = readSamplingFrequency(r, 'samplingFrequencyIndex');
  const channelConfiguration = r.u(4, 'channelConfiguration');
  let channels = CHANNELS_BY_CONFIGURATION[channelConfiguration] ?? -1;
  if (channels < 0) {
    throw new ProbeError(`${CONTEXT} channelConfiguration`, `${channelConfiguration} is reserved`);
  }
  let sbr = false;
  let ps = false;
  if (objectType === AOT_SBR || objectType === AOT_PS) {
    sbr = true;
    ps = objectType === AOT_PS;
    sampleRate = readSamplingFrequency(r, 'extensionSamplingFrequencyIndex');
    coreType = readObjectType(r);
  }

  if (GA_OBJECT_TYPES.has(coreType)) {
    const pceChannels = skipGaSpecificConfig(r, coreType, channelConfiguration);
    if (channelConfiguration === 0) channels = pceChannels;
    // Backward-compatible signalling sits after the core config (1.6.5.2); not with ER object types.
    if (!sbr && coreType < 17 && r.bitsLeft >= 16 && r.u(11, 'syncExtensionType') === SYNC_EXTENSION_SBR) {
      if (readObjectType(r) === AOT_SBR && r.flag('sbrPresentFlag')) {
        sbr = true;
        sampleRate = readSamplingFrequency(r, 'extensionSamplingFrequencyIndex');
        if (r.bitsLeft >= 12 && r.u(11, 'syncExtensionType') === SYNC_EXTENSION_PS) {
          ps = r.flag('psPresentFlag');
        }
      }
    }
  } else if (channelConfiguration === 0) {
    throw new ProbeError(
      `${CONTEXT} channelConfiguration`,
      `0 with object type ${coreType} is not supported`,
    );
  }

  if (ps && channels === 1) channels = 2; // parametric stereo decodes a mono core to stereo
  const profileType = ps ? AOT_PS : sbr ? AOT_SBR : coreType;
  return {
    codec: 'aac',
    profile: PROFILE_NAMES.get(profileType) ?? `object type ${profileType}`,
    objectType,
    sampleRate,
    channels,
    sbr,
    ps,
  };
}

/** GetAudioObjectType() (1.6.2.1): 5 bits, escape 31 adds 6 more bits (32 + value). */
function readObjectType(r: BitReader): number {
  const type = r.u(5, 'audioObjectType');
  return type === AOT_ESCAPE ? 32 + r.u(6, 'audioObjectTypeExt') : type;
}

/** samplingFrequencyIndex, or with index 15 the explicit 24-bit samplingFrequency, in Hz. */
function readSamplingFrequency(r: BitReader, element: string): number {
  const index = r.u(4, element);
  if (index === FREQUENCY_ESCAPE) {
    const frequency = r.u(24, 'samplingFrequency');
    if (frequency === 0) throw new ProbeError(`${CONTEXT} samplingFrequency`, 'is 0');
    return frequency;
  }
  const frequency = SAMPLING_FREQUENCIES[index];
  if (frequency === undefined) throw new ProbeError(`${CONTEXT} ${element}`, `${index} is reserved`);
  return frequency;
}

/** Reads GASpecificConfig (ISO/IEC 14496-3 4.4.1); returns the channels of its PCE, 0 without one. */
function skipGaSpecificConfig(r: BitReader, objectType: number, channelConfiguration: number): number {
  r.skip(1, 'frameLengthFlag');
  if (r.flag('dependsOnCoreCoder')) r.skip(14, 'coreCoderDelay');
  const extensionFlag = r.flag('extensionFlag');
  const channels = channelConfiguration === 0 ? readProgramConfigChannels(r) : 0;
  if (objectType === 6 || objectType === 20) r.skip(3, 'layerNr');
  if (extensionFlag) {
    if (objectType === 22) r.skip(16, 'numOfSubFrame/layer_length');
    if (objectType === 17 || objectType === 19 || objectType === 20 || objectType === 23) {
      r.skip(
        3,
        'aacSectionDataResilienceFlag/aacScalefactorDataResilienceFlag/aacSpectralDataResilienceFlag',
      );
    }
    r.skip(1, 'extensionFlag3');
  }
  return channels;
}

/** Reads program_config_element() (ISO/IEC 14496-3 4.4.1.1, Table 4.2) and counts its output channels. */
function readProgramConfigChannels(r: BitReader): number {
  r.skip(10, 'element_instance_tag/object_type/sampling_frequency_index');
  const front = r.u(4, 'num_front_channel_elements');
  const side = r.u(4, 'num_side_channel_elements');
  const back = r.u(4, 'num_back_channel_elements');
  const lfe = r.u(2, 'num_lfe_channel_elements');
  const assocData = r.u(3, 'num_assoc_data_elements');
  const validCc = r.u(4, 'num_valid_cc_elements');
  if (r.flag('mono_mixdown_present')) r.skip(4, 'mono_mixdown_element_number');
  if (r.flag('stereo_mixdown_present')) r.skip(4, 'stereo_mixdown_element_number');
  if (r.flag('matrix_mixdown_idx_present')) r.skip(3, 'matrix_mixdown_idx/pseudo_surround_enable');
  let channels = lfe;
  for (let i = 0; i < front + side + back; i++) {
    channels += r.flag('is_cpe') ? 2 : 1;
    r.skip(4, 'element_tag_select');
  }
  r.skip(4 * lfe + 4 * assocData + 5 * validCc, 'lfe/assoc_data/cc_element_tag_select');
  r.alignToByte('byte_alignment');
  const commentBytes = r.u(8, 'comment_field_bytes');
  r.skip(8 * commentBytes, 'comment_field_data');
  return channels;
}

import { SoundFormat } from '../protocols/flv/flv-constants';
import { type AacAudioConfig, parseAacSequenceHeader } from './audio-specific-config';
import { ProbeError } from './probe-error';

/** Codec names by FLV SoundFormat (E.4.2.1), as ffprobe names them; 9 is reserved. */
const CODEC_NAMES: readonly string[] = [
  'pcm',
  'adpcm_swf',
  'mp3',
  'pcm_s16le',
  'nellymoser',
  'nellymoser',
  'nellymoser',
  'pcm_alaw',
  'pcm_mulaw',
  'reserved',
  'aac',
  'speex',
  'reserved',
  'reserved',
  'mp3',
  'device-specific',
];
/** Sampling rates that SoundFormat fixes whatever SoundRate says (E.4.2.1), in Hz. */
const FIXED_RATES: ReadonlyMap<number, number> = new Map([
  [4, 16000], // Nellymoser 16 kHz mono
  [5, 8000], // Nellymoser 8 kHz mono
  [7, 8000], // G.711 A-law
  [8, 8000], // G.711 mu-law
  [11, 16000], // Speex
  [14, 8000], // MP3 8 kHz
]);
const MONO_FORMATS = new Set([4, 5, 11]);
/** SoundRate 0-3: 5.5, 11, 22, 44 kHz, in Hz as ffmpeg reads them (44100 >> (3 - SoundRate)). */
const SOUND_RATES = [5512, 11025, 22050, 44100];
/** MPEG audio sampling rates by version bits (11 = MPEG-1, 10 = MPEG-2, 00 = MPEG-2.5) and index. */
const MPEG_AUDIO_RATES: readonly (readonly number[] | undefined)[] = [
  [11025, 12000, 8000],
  undefined,
  [22050, 24000, 16000],
  [44100, 48000, 32000],
];

/**
 * An audio configuration read from the first byte of FLV AUDIODATA (E.4.2.1), for formats other than
 * AAC. `codec` as ffprobe names it ('mp3', 'nellymoser', 'speex', 'pcm_alaw', …); `sampleRate` in Hz;
 * `sampleSize` in bits (SoundSize).
 */
export interface FlvAudioConfig {
  codec: string;
  profile: null;
  objectType: null;
  sampleRate: number;
  channels: number;
  sampleSize: 8 | 16;
}

/** An input's audio configuration: AAC from its sequence header, anything else from the FLV flags. */
export type AudioConfig = AacAudioConfig | FlvAudioConfig;

/**
 * Reads the audio configuration an FLV audio tag announces (FLV spec v10.1 E.4.2.1). AAC needs the
 * sequence header (see {@link parseAacSequenceHeader}); other formats are read from the SoundFormat,
 * SoundRate, SoundSize and SoundType flags of any tag, with the formats' fixed rates applied. For MP3
 * the MPEG audio frame header that starts the payload (ISO/IEC 11172-3 2.4.2.3) gives the true rate
 * and channels when present, since FLV cannot signal 48 kHz.
 *
 * @param body an FLV audio tag body (FlvTag.data).
 * @throws ProbeError for an empty body, or (AAC) a body that is not a valid sequence header.
 */
export function parseFlvAudioHeader(body: Buffer): AudioConfig {
  if (body.length === 0) throw new ProbeError('FLV E.4.2.1 AUDIODATA', 'empty');
  const flags = body[0]!;
  const format = flags >> 4;
  if (format === SoundFormat.Aac) return parseAacSequenceHeader(body);
  const sampleSize = flags & 0x02 ? 16 : 8;
  const config: FlvAudioConfig = {
    codec: (format === 0 || format === 3) && sampleSize === 8 ? 'pcm_u8' : CODEC_NAMES[format]!,
    profile: null,
    objectType: null,
    sampleRate: FIXED_RATES.get(format) ?? SOUND_RATES[(flags >> 2) & 0x03]!,
    channels: MONO_FORMATS.has(format) ? 1 : (flags & 0x01) + 1,
    sampleSize,
  };
  if (format === SoundFormat.Mp3 && body.length >= 5 && body[1] === 0xff && (body[2]! & 0xe0) === 0xe0) {
    const rate = MPEG_AUDIO_RATES[(body[2]! >> 3) & 0x03]?.[(body[3]! >> 2) & 0x03];
    if (rate !== undefined) {
      config.sampleRate = rate;
      config.channels = body[4]! >> 6 === 3 ? 1 : 2;
    }
  }
  return config;
}

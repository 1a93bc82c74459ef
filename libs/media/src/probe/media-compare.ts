import type { AudioMediaInfo, InputMediaInfo, VideoMediaInfo } from './media-info';

/** Frame rates closer than this (fps) are the same. */
export const FRAME_RATE_TOLERANCE_FPS = 0.5;
/** Keyframe intervals that differ by less than this share of the longer one are the same. */
export const KEYFRAME_INTERVAL_TOLERANCE = 0.2;
/** Keyframe intervals above this (ms) earn a warning: YouTube and Twitch recommend 2 s, at most 4 s. */
export const MAX_RECOMMENDED_KEYFRAME_INTERVAL_MS = 4000;
/** Bitrates differ enough to warn when one is more than this many times the other. */
export const BITRATE_RATIO_LIMIT = 2;

/** The setting a {@link MediaWarning} is about. */
export type MediaWarningField =
  | 'video.codec'
  | 'video.profile'
  | 'video.resolution'
  | 'video.frameRate'
  | 'video.keyframeInterval'
  | 'video.bitrate'
  | 'audio.codec'
  | 'audio.profile'
  | 'audio.sampleRate'
  | 'audio.channels'
  | 'audio.bitrate';

/**
 * One difference between the primary and the backup input that matters at a failover.
 * `primary`, `backup`: the two values as shown to the user, with units ('1280x720', '30 fps', '2 s',
 * '48000 Hz', '2 (stereo)', '6000 kbit/s', 'none'); `message`: plain words on what differs, what
 * platforms may do, and what to set.
 */
export interface MediaWarning {
  field: MediaWarningField;
  primary: string;
  backup: string;
  message: string;
}

/**
 * Compares what the two inputs send and lists the differences a viewer could notice at a failover.
 * Rules: codecs, profiles, resolutions, sample rates and channels must be equal; frame rates within
 * 0.5 fps; keyframe intervals within 20% (and each at most 4 s); bitrates within a factor of 2.
 * Returns no warnings when either input has sent nothing yet (both tracks null), and skips every value
 * that is unknown (null, or codec 'unknown') on either side. A track one input has and the other lacks
 * is reported as a codec difference with 'none'.
 */
export function compareInputs(primary: InputMediaInfo, backup: InputMediaInfo): MediaWarning[] {
  const warnings: MediaWarning[] = [];
  const silent = (info: InputMediaInfo): boolean => info.video === null && info.audio === null;
  if (silent(primary) || silent(backup)) return warnings;
  if (primary.video && backup.video) compareVideo(primary.video, backup.video, warnings);
  else if (primary.video || backup.video) warnings.push(missingTrack('video', primary.video, backup.video));
  if (primary.audio && backup.audio) compareAudio(primary.audio, backup.audio, warnings);
  else if (primary.audio || backup.audio) warnings.push(missingTrack('audio', primary.audio, backup.audio));
  return warnings;
}

function compareVideo(p: VideoMediaInfo, b: VideoMediaInfo, out: MediaWarning[]): void {
  const sameCodec = p.codec === b.codec;
  if (!sameCodec && p.codec !== 'unknown' && b.codec !== 'unknown') {
    out.push(
      warn(
        'video.codec',
        p.codec,
        b.codec,
        (pv, bv) =>
          `Video codec differs: primary ${pv}, backup ${bv}. Platforms set up their decoder for one codec and ` +
          'most do not follow a codec change mid-stream; after a failover YouTube or Twitch may freeze the ' +
          'picture or end the stream; set both encoders to the same codec (H.264 is accepted everywhere).',
      ),
    );
  }
  if (sameCodec && p.profile !== null && b.profile !== null && p.profile !== b.profile) {
    out.push(
      warn(
        'video.profile',
        p.profile,
        b.profile,
        (pv, bv) =>
          `Video profile differs: primary ${pv}, backup ${bv}. Platforms re-negotiate the decoder at a failover ` +
          'and usually continue, but some players and hardware decoders may glitch for a moment; set both ' +
          'encoders to the same profile.',
      ),
    );
  }
  if (p.width !== null && p.height !== null && b.width !== null && b.height !== null) {
    if (p.width !== b.width || p.height !== b.height) {
      out.push(
        warn(
          'video.resolution',
          `${p.width}x${p.height}`,
          `${b.width}x${b.height}`,
          (pv, bv) =>
            `Resolution differs: primary ${pv}, backup ${bv}. Platforms re-negotiate the decoder at a ` +
            'failover; YouTube and Twitch keep the stream but viewers may see a brief quality change; set ' +
            'both encoders to the same output resolution.',
        ),
      );
    }
  }
  if (p.frameRate !== null && b.frameRate !== null) {
    if (Math.abs(p.frameRate - b.frameRate) > FRAME_RATE_TOLERANCE_FPS) {
      out.push(
        warn(
          'video.frameRate',
          `${trim(p.frameRate)} fps`,
          `${trim(b.frameRate)} fps`,
          (pv, bv) =>
            `Frame rate differs: primary ${pv}, backup ${bv}. Platforms keep the stream, but their ` +
            'transcoders and players may stutter or drop frames around a failover; set both encoders to the ' +
            'same frame rate.',
        ),
      );
    }
  }
  const keyframeWarning = compareKeyframeIntervals(p.keyframeIntervalMs, b.keyframeIntervalMs);
  if (keyframeWarning) out.push(keyframeWarning);
  const bitrateWarning = compareBitrates('video.bitrate', 'Video', p.bitrateKbps, b.bitrateKbps);
  if (bitrateWarning) out.push(bitrateWarning);
}

function compareAudio(p: AudioMediaInfo, b: AudioMediaInfo, out: MediaWarning[]): void {
  const sameCodec = p.codec === b.codec;
  if (!sameCodec && p.codec !== 'unknown' && b.codec !== 'unknown') {
    out.push(
      warn(
        'audio.codec',
        p.codec,
        b.codec,
        (pv, bv) =>
          `Audio codec differs: primary ${pv}, backup ${bv}. Platforms expect one audio codec for the whole ` +
          'stream (YouTube and Twitch want AAC); after a failover the sound may go silent; set both encoders ' +
          'to AAC.',
      ),
    );
  }
  if (sameCodec && p.profile !== null && b.profile !== null && p.profile !== b.profile) {
    out.push(
      warn(
        'audio.profile',
        p.profile,
        b.profile,
        (pv, bv) =>
          `AAC profile differs: primary ${pv}, backup ${bv}. Platforms re-initialise the audio decoder at a ` +
          'failover and some players drop the sound for a moment; set both encoders to the same AAC profile ' +
          '(LC is the safe choice).',
      ),
    );
  }
  if (p.sampleRate !== null && b.sampleRate !== null && p.sampleRate !== b.sampleRate) {
    out.push(
      warn(
        'audio.sampleRate',
        `${p.sampleRate} Hz`,
        `${b.sampleRate} Hz`,
        (pv, bv) =>
          `Audio sample rate differs: primary ${pv}, backup ${bv}. The new audio header is passed on at a ` +
          'failover and most platforms follow it, but some players click or drop the sound for a moment; ' +
          'set both encoders to the same sample rate (48000 Hz is the usual choice).',
      ),
    );
  }
  if (p.channels !== null && b.channels !== null && p.channels !== b.channels) {
    out.push(
      warn(
        'audio.channels',
        channelsText(p.channels),
        channelsText(b.channels),
        (pv, bv) =>
          `Audio channels differ: primary ${pv}, backup ${bv}. Platforms re-initialise the audio at a ` +
          'failover; viewers may hear the sound jump or drop out briefly; set both encoders to the same ' +
          'channel layout.',
      ),
    );
  }
  const bitrateWarning = compareBitrates('audio.bitrate', 'Audio', p.bitrateKbps, b.bitrateKbps);
  if (bitrateWarning) out.push(bitrateWarning);
}

function compareKeyframeIntervals(p: number | null, b: number | null): MediaWarning | null {
  if (p === null || b === null) return null;
  const sentences: string[] = [];
  if (Math.abs(p - b) > KEYFRAME_INTERVAL_TOLERANCE * Math.max(p, b)) {
    sentences.push(
      `Keyframe interval differs: primary ${seconds(p)}, backup ${seconds(b)}. Platforms cut their ` +
        'segments at keyframes, so after a failover viewers may see uneven buffering; set both encoders ' +
        'to the same keyframe interval.',
    );
  }
  const tooLong = [
    p > MAX_RECOMMENDED_KEYFRAME_INTERVAL_MS ? 'primary' : '',
    b > MAX_RECOMMENDED_KEYFRAME_INTERVAL_MS ? 'backup' : '',
  ].filter(Boolean);
  if (tooLong.length > 0) {
    sentences.push(
      `Keyframe interval is above 4 s on the ${tooLong.join(' and the ')}. YouTube and Twitch recommend ` +
        '2 s and may warn about or buffer longer intervals; set a 2 s keyframe interval.',
    );
  }
  if (sentences.length === 0) return null;
  return {
    field: 'video.keyframeInterval',
    primary: seconds(p),
    backup: seconds(b),
    message: sentences.join(' '),
  };
}

function compareBitrates(
  field: 'video.bitrate' | 'audio.bitrate',
  track: 'Video' | 'Audio',
  p: number | null,
  b: number | null,
): MediaWarning | null {
  if (p === null || b === null || p <= 0 || b <= 0) return null;
  if (Math.max(p, b) <= BITRATE_RATIO_LIMIT * Math.min(p, b)) return null;
  return warn(
    field,
    `${p} kbit/s`,
    `${b} kbit/s`,
    (pv, bv) =>
      `${track} bitrate differs by more than 2x: primary ${pv}, backup ${bv}. Platforms accept it, but the ` +
      'quality changes visibly or audibly at a failover; set both encoders to similar bitrates.',
  );
}

function missingTrack(
  track: 'video' | 'audio',
  p: { codec: string } | null,
  b: { codec: string } | null,
): MediaWarning {
  const without = p ? 'backup' : 'primary';
  const consequence =
    track === 'video'
      ? 'after a failover the platforms would get sound without a picture, and YouTube or Twitch may show a black screen or end the stream'
      : 'after a failover viewers would hear silence, and YouTube may warn about missing audio';
  return warn(
    `${track}.codec`,
    p?.codec ?? 'none',
    b?.codec ?? 'none',
    () => `The ${without} sends no ${track}; ${consequence}; send ${track} from both encoders.`,
  );
}

function warn(
  field: MediaWarningField,
  primary: string,
  backup: string,
  message: (primary: string, backup: string) => string,
): MediaWarning {
  return { field, primary, backup, message: message(primary, backup) };
}

/** 29.97 → '29.97', 30 → '30'. */
const trim = (value: number): string => String(Math.round(value * 100) / 100);
const seconds = (ms: number): string => `${trim(ms / 1000)} s`;
const CHANNEL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'mono'],
  [2, 'stereo'],
  [6, '5.1'],
  [8, '7.1'],
]);
const channelsText = (channels: number): string => {
  const name = CHANNEL_NAMES.get(channels);
  return name ? `${channels} (${name})` : String(channels);
};

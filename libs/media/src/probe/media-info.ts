/**
 * What the relay knows about one input's video, for the API. Fields are null until known.
 *
 * - `codec`: 'h264', 'hevc', 'vp6f', … or 'unknown' (unreadable sequence header).
 * - `profile`, `level`: H.264 profile and level names ('High', '4.0') from the sequence header.
 * - `width`, `height`: displayed size in pixels.
 * - `frameRate`: frames per second declared by the SPS VUI timing info, else `measuredFrameRate`.
 * - `measuredFrameRate`: frames per second measured from the tags' DTS over the last ~5 s.
 * - `keyframeIntervalMs`, `keyframeIntervalFrames`: measured distance between keyframes, in DTS
 *   milliseconds and in frames, averaged over the last few intervals.
 * - `bitrateKbps`: tag body bytes over the last ~5 s of wall-clock time, in kbit/s.
 */
export interface VideoMediaInfo {
  codec: string;
  profile: string | null;
  level: string | null;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  measuredFrameRate: number | null;
  keyframeIntervalMs: number | null;
  keyframeIntervalFrames: number | null;
  bitrateKbps: number | null;
}

/**
 * What the relay knows about one input's audio, for the API. Fields are null until known.
 *
 * - `codec`: 'aac', 'mp3', 'speex', … or 'unknown' (unreadable sequence header).
 * - `profile`: AAC profile ('LC', 'HE-AAC', 'HE-AACv2', …); null for other codecs.
 * - `sampleRate`: output sampling rate in Hz; `channels`: output channel count.
 * - `bitrateKbps`: tag body bytes over the last ~5 s of wall-clock time, in kbit/s.
 */
export interface AudioMediaInfo {
  codec: string;
  profile: string | null;
  sampleRate: number | null;
  channels: number | null;
  bitrateKbps: number | null;
}

/** One input's media as probed from its tags; a track is null until the input has sent any of it. */
export interface InputMediaInfo {
  video: VideoMediaInfo | null;
  audio: AudioMediaInfo | null;
}

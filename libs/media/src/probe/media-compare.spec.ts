import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareInputs, type MediaWarning } from './media-compare';
import type { AudioMediaInfo, InputMediaInfo, VideoMediaInfo } from './media-info';

const VIDEO: VideoMediaInfo = {
  codec: 'h264',
  profile: 'High',
  level: '3.1',
  width: 1280,
  height: 720,
  frameRate: 30,
  measuredFrameRate: 30,
  keyframeIntervalMs: 2000,
  keyframeIntervalFrames: 60,
  bitrateKbps: 4500,
};
const AUDIO: AudioMediaInfo = {
  codec: 'aac',
  profile: 'LC',
  sampleRate: 48000,
  channels: 2,
  bitrateKbps: 160,
};
const input = (
  video: Partial<VideoMediaInfo> | null = {},
  audio: Partial<AudioMediaInfo> | null = {},
): InputMediaInfo => ({
  video: video && { ...VIDEO, ...video },
  audio: audio && { ...AUDIO, ...audio },
});
const pick = (warnings: MediaWarning[]): [string, string, string][] =>
  warnings.map((w) => [w.field, w.primary, w.backup]);

describe('compareInputs', () => {
  const cases: [string, InputMediaInfo, InputMediaInfo, [string, string, string][]][] = [
    ['identical inputs', input(), input(), []],
    ['a backup that has sent nothing yet', input(), input(null, null), []],
    ['a primary that has sent nothing yet', input(null, null), input({ width: 640 }), []],
    [
      'resolution',
      input(),
      input({ width: 854, height: 480 }),
      [['video.resolution', '1280x720', '854x480']],
    ],
    ['frame rates within 0.5 fps', input(), input({ frameRate: 29.97 }), []],
    ['frame rate', input(), input({ frameRate: 25 }), [['video.frameRate', '30 fps', '25 fps']]],
    ['video codec', input(), input({ codec: 'hevc', profile: 'Main' }), [['video.codec', 'h264', 'hevc']]],
    [
      'an unreadable video header is not a codec difference',
      input(),
      input({ codec: 'unknown', profile: null }),
      [],
    ],
    ['profile', input(), input({ profile: 'Main' }), [['video.profile', 'High', 'Main']]],
    ['level alone', input(), input({ level: '4.0' }), []],
    ['keyframe intervals within 20%', input(), input({ keyframeIntervalMs: 2400 }), []],
    [
      'keyframe interval',
      input(),
      input({ keyframeIntervalMs: 3000 }),
      [['video.keyframeInterval', '2 s', '3 s']],
    ],
    [
      'keyframe intervals equal but above 4 s',
      input({ keyframeIntervalMs: 5000 }),
      input({ keyframeIntervalMs: 5000 }),
      [['video.keyframeInterval', '5 s', '5 s']],
    ],
    ['video bitrates within 2x', input(), input({ bitrateKbps: 2500 }), []],
    [
      'video bitrate above 2x',
      input(),
      input({ bitrateKbps: 2000 }),
      [['video.bitrate', '4500 kbit/s', '2000 kbit/s']],
    ],
    [
      'unknown values',
      input(),
      input({ width: null, height: null, frameRate: null, keyframeIntervalMs: null, bitrateKbps: null }),
      [],
    ],
    [
      'audio sample rate',
      input(),
      input({}, { sampleRate: 44100 }),
      [['audio.sampleRate', '48000 Hz', '44100 Hz']],
    ],
    ['audio channels', input(), input({}, { channels: 1 }), [['audio.channels', '2 (stereo)', '1 (mono)']]],
    ['audio codec', input(), input({}, { codec: 'mp3', profile: null }), [['audio.codec', 'aac', 'mp3']]],
    ['AAC profile', input(), input({}, { profile: 'HE-AAC' }), [['audio.profile', 'LC', 'HE-AAC']]],
    [
      'audio bitrate above 2x',
      input(),
      input({}, { bitrateKbps: 64 }),
      [['audio.bitrate', '160 kbit/s', '64 kbit/s']],
    ],
    ['a backup without audio', input(), input({}, null), [['audio.codec', 'aac', 'none']]],
    ['a primary without video', input(null), input(), [['video.codec', 'none', 'h264']]],
    [
      'several differences, video first',
      input(),
      input({ width: 854, height: 480, frameRate: 60 }, { sampleRate: 44100, channels: 6 }),
      [
        ['video.resolution', '1280x720', '854x480'],
        ['video.frameRate', '30 fps', '60 fps'],
        ['audio.sampleRate', '48000 Hz', '44100 Hz'],
        ['audio.channels', '2 (stereo)', '6 (5.1)'],
      ],
    ],
  ];
  for (const [name, primary, backup, expected] of cases) {
    it(`compares ${name}`, () => assert.deepEqual(pick(compareInputs(primary, backup)), expected));
  }

  it('says in plain words what differs, what platforms may do and what to set', () => {
    const [resolution] = compareInputs(input(), input({ width: 854, height: 480 }));
    assert.equal(
      resolution?.message,
      'Resolution differs: primary 1280x720, backup 854x480. Platforms re-negotiate the decoder at a failover; ' +
        'YouTube and Twitch keep the stream but viewers may see a brief quality change; set both encoders to ' +
        'the same output resolution.',
    );
    const [gop] = compareInputs(input({ keyframeIntervalMs: 2000 }), input({ keyframeIntervalMs: 6000 }));
    assert.match(
      gop!.message,
      /^Keyframe interval differs: primary 2 s, backup 6 s\. .* above 4 s on the backup\. /,
    );
    const [missing] = compareInputs(input(), input({}, null));
    assert.match(missing!.message, /^The backup sends no audio; /);
  });
});

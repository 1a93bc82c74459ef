import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AudioMediaInfo, InputMediaInfo, VideoMediaInfo } from '../probe/media-info';
import { DEFAULT_SLATE_PARAMS, slateParamsFrom, slateParamsKey, type SlateParams } from './slate-params';

const video = (v: Partial<VideoMediaInfo>): VideoMediaInfo => ({
  codec: 'h264',
  profile: 'High',
  level: '4.0',
  width: 1920,
  height: 1080,
  frameRate: 30,
  measuredFrameRate: 30,
  keyframeIntervalMs: 2000,
  keyframeIntervalFrames: 60,
  bitrateKbps: 4500,
  ...v,
});
const audio = (a: Partial<AudioMediaInfo>): AudioMediaInfo => ({
  codec: 'aac',
  profile: 'LC',
  sampleRate: 48000,
  channels: 2,
  bitrateKbps: 128,
  ...a,
});
const media = (v: Partial<VideoMediaInfo> | null, a: Partial<AudioMediaInfo> | null): InputMediaInfo => ({
  video: v && video(v),
  audio: a && audio(a),
});

describe('slateParamsFrom', () => {
  const cases: Array<[string, InputMediaInfo | null, Partial<SlateParams>]> = [
    ['nothing probed: the defaults', null, {}],
    [
      'a 1080p30 High 4.0 program with 48 kHz stereo',
      media({}, {}),
      { width: 1920, height: 1080, profile: 'high', level: '4' },
    ],
    ['29.97 fps as 30000/1001', media({ frameRate: 29.97 }, {}), { frameRateNum: 30000, frameRateDen: 1001 }],
    ['59.94 fps as 60000/1001', media({ frameRate: 59.94 }, {}), { frameRateNum: 60000, frameRateDen: 1001 }],
    [
      'a measured 29.99 fps as 30',
      media({ frameRate: null, measuredFrameRate: 29.99 }, {}),
      { frameRateNum: 30 },
    ],
    ['12.5 fps as 25/2', media({ frameRate: 12.5 }, {}), { frameRateNum: 25, frameRateDen: 2 }],
    ['no frame rate: 30', media({ frameRate: null, measuredFrameRate: null }, {}), { frameRateNum: 30 }],
    ['an absurd frame rate: 30', media({ frameRate: 1000 }, {}), { frameRateNum: 30 }],
    ['odd sizes made even', media({ width: 853, height: 479 }, {}), { width: 854, height: 480 }],
    [
      'Constrained Baseline as baseline',
      media({ profile: 'Constrained Baseline', level: '3.1' }, {}),
      { profile: 'baseline', level: '3.1' },
    ],
    ['Main as main', media({ profile: 'Main' }, {}), { profile: 'main' }],
    ['High 10 as high (8-bit slate)', media({ profile: 'High 10' }, {}), { profile: 'high' }],
    ['an unknown level left to x264', media({ level: '9.9' }, {}), { level: null }],
    [
      'HEVC: an H.264 slate with defaults for profile and level',
      media({ codec: 'hevc', profile: 'Main' }, {}),
      { profile: 'high', level: null },
    ],
    ['44.1 kHz mono', media({}, { sampleRate: 44100, channels: 1 }), { sampleRate: 44100, channels: 1 }],
    ['5.1 audio', media({}, { channels: 6 }), { channels: 6 }],
    ['an odd sample rate: 48 kHz', media({}, { sampleRate: 47000 }), { sampleRate: 48000 }],
    ['no audio: 48 kHz stereo', media({}, null), { sampleRate: 48000, channels: 2 }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const base = input?.video ? { width: 1920, height: 1080, profile: 'high', level: '4' } : {};
      assert.deepEqual(slateParamsFrom(input), { ...DEFAULT_SLATE_PARAMS, ...base, ...expected });
    });
  }

  it('keys equal parameters alike and different ones apart', () => {
    const a = slateParamsFrom(media({}, {}));
    assert.equal(slateParamsKey(a), slateParamsKey(slateParamsFrom(media({ bitrateKbps: 1 }, {}))));
    assert.notEqual(slateParamsKey(a), slateParamsKey(slateParamsFrom(media({ frameRate: 25 }, {}))));
    assert.equal(slateParamsKey(DEFAULT_SLATE_PARAMS), '1280x720@30/1 high auto 48000Hz 2ch');
  });
});

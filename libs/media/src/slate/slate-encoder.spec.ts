import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAacSequenceHeader } from '../probe/audio-specific-config';
import { parseAvcDecoderConfig } from '../probe/avc-decoder-config';
import { encodeSlateClip } from './slate-encoder';
import { DEFAULT_SLATE_PARAMS, type SlateParams } from './slate-params';

// Runs the real ffmpeg (Debian package), as production does; each encode takes well under a second.
describe('encodeSlateClip (ffmpeg)', { timeout: 60_000 }, () => {
  const cases: Array<[string, SlateParams]> = [
    ['720p30 High, 48 kHz stereo', DEFAULT_SLATE_PARAMS],
    [
      '480p 29.97 Constrained Baseline 3.0, 44.1 kHz mono',
      {
        ...DEFAULT_SLATE_PARAMS,
        width: 854,
        height: 480,
        frameRateNum: 30000,
        frameRateDen: 1001,
        profile: 'baseline',
        level: '3',
        sampleRate: 44100,
        channels: 1,
      },
    ],
  ];
  for (const [name, params] of cases) {
    it(`makes a loopable clip matching the program: ${name}`, async () => {
      const clip = await encodeSlateClip(params, { ffmpegPath: 'ffmpeg' });
      const avc = parseAvcDecoderConfig(clip.videoConfig);
      assert.deepEqual([avc.width, avc.height], [params.width, params.height]);
      assert.equal(avc.profile, params.profile === 'baseline' ? 'Constrained Baseline' : 'High');
      if (params.level) assert.equal(avc.level, '3.0');
      assert.ok(Math.abs(avc.frameRate! - params.frameRateNum / params.frameRateDen) < 0.01);
      const aac = parseAacSequenceHeader(clip.audioConfig);
      assert.deepEqual(
        [aac.profile, aac.sampleRate, aac.channels],
        ['LC', params.sampleRate, params.channels],
      );
      assert.equal(clip.video.length, 60, 'two GOPs of one second');
      assert.equal(clip.video[0]![0]! >> 4, 1, 'starts at a keyframe');
      assert.equal(clip.video[30]![0]! >> 4, 1, 'one keyframe per second');
      assert.ok(
        clip.video.every((v) => v.readUIntBE(2, 3) === 0),
        'no B-frames: composition time 0',
      );
      assert.ok(clip.audio.length > 40);
      assert.ok(clip.bytes < 200_000, `${clip.bytes} bytes`);
    });
  }

  it('says in plain words when ffmpeg is missing, too slow or too verbose', async () => {
    const p = DEFAULT_SLATE_PARAMS;
    await assert.rejects(encodeSlateClip(p, { ffmpegPath: '/nonexistent/ffmpeg' }), /no ffmpeg at/);
    await assert.rejects(encodeSlateClip(p, { ffmpegPath: 'ffmpeg', timeoutMs: 1 }), /ran longer than 1 ms/);
    await assert.rejects(encodeSlateClip(p, { ffmpegPath: 'ffmpeg', maxBytes: 100 }), /more than 100 bytes/);
  });

  it('makes a plain card when the font is missing', async () => {
    const clip = await encodeSlateClip(DEFAULT_SLATE_PARAMS, { ffmpegPath: 'ffmpeg', fontFile: '/nope.ttf' });
    assert.equal(clip.video.length, 60);
  });
});

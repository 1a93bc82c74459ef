import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import golden from '../../../../test/fixtures/probe/golden.json';
import { FlvTagType } from '../protocols/flv/flv-constants';
import type { FlvTag } from '../protocols/flv/flv-tag';
import { InputMediaStats } from './media-stats';
import { avcSequenceHeader, buildSpsNal } from './testing/probe-builders';

const fixture = (list: { name: string; bodyHex: string }[], name: string): Buffer =>
  Buffer.from(list.find((f) => f.name === name)!.bodyHex, 'hex');
const VIDEO_CONFIG = fixture(golden.video, 'x264 baseline 640x362 30fps');
const AUDIO_CONFIG = fixture(golden.audio, 'aac LC 48000 mono');
const WALL_OFFSET = 1_700_000_000_000; // wall clock = DTS + offset

const video = (timestamp: number, data: Buffer): FlvTag => ({ type: FlvTagType.Video, timestamp, data });
const audio = (timestamp: number, data: Buffer): FlvTag => ({ type: FlvTagType.Audio, timestamp, data });
const body = (first: number, second: number, size: number): Buffer => {
  const data = Buffer.alloc(size);
  data[0] = first;
  data[1] = second;
  return data;
};

interface Feed {
  fromMs: number;
  toMs: number;
  /** Frame period in ms (may be fractional; DTS are rounded to ms like FLV). */
  frameMs?: number;
  gopFrames?: number;
  videoBytes?: number;
  audioBytes?: number;
  /** DTS of the first frame; defaults to fromMs. */
  dtsFrom?: number;
}

/** Feeds H.264 frames (keyframe every gopFrames) and 48 kHz AAC frames, in DTS order, wall = DTS + offset. */
function feed(stats: InputMediaStats, f: Feed): void {
  const frameMs = f.frameMs ?? 1000 / 30;
  const gopFrames = f.gopFrames ?? 60;
  const keyframe = body(0x17, 1, f.videoBytes ?? 12_500);
  const interframe = body(0x27, 1, f.videoBytes ?? 12_500);
  const aac = body(0xaf, 1, f.audioBytes ?? 400);
  const shift = (f.dtsFrom ?? f.fromMs) - f.fromMs;
  let a = 0;
  for (let i = 0; f.fromMs + i * frameMs < f.toMs; i++) {
    const t = Math.round(f.fromMs + i * frameMs);
    for (; f.fromMs + (a * 1024000) / 48000 <= t; a++) {
      const at = Math.round(f.fromMs + (a * 1024000) / 48000);
      stats.onFrame(audio(at + shift, aac), WALL_OFFSET + at);
    }
    stats.onFrame(video(t + shift, i % gopFrames === 0 ? keyframe : interframe), WALL_OFFSET + t);
  }
}

describe('InputMediaStats', () => {
  it('reports a 30 fps, 2 s GOP, 3000 kbit/s H.264 + 150 kbit/s AAC input', () => {
    const stats = new InputMediaStats();
    stats.onTag(video(0, VIDEO_CONFIG), WALL_OFFSET);
    stats.onTag(audio(0, AUDIO_CONFIG), WALL_OFFSET);
    feed(stats, { fromMs: 0, toMs: 10_000 });
    const info = stats.snapshot(WALL_OFFSET + 10_000);
    assert.deepEqual(
      { ...info.video, bitrateKbps: undefined },
      {
        codec: 'h264',
        profile: 'Constrained Baseline',
        level: '3.0',
        width: 640,
        height: 362,
        frameRate: 30,
        measuredFrameRate: 30,
        keyframeIntervalMs: 2000,
        keyframeIntervalFrames: 60,
        bitrateKbps: undefined,
      },
    );
    assert.ok(Math.abs(info.video!.bitrateKbps! - 3000) <= 30, `video ${info.video!.bitrateKbps} kbit/s`);
    assert.deepEqual(
      { ...info.audio, bitrateKbps: undefined },
      {
        codec: 'aac',
        profile: 'LC',
        sampleRate: 48000,
        channels: 1,
        bitrateKbps: undefined,
      },
    );
    assert.ok(Math.abs(info.audio!.bitrateKbps! - 150) <= 3, `audio ${info.audio!.bitrateKbps} kbit/s`);
  });

  it('measures the frame rate from DTS when the SPS has no timing info', () => {
    const stats = new InputMediaStats();
    stats.onVideoConfig(video(0, avcSequenceHeader(buildSpsNal({ vui: null }))));
    feed(stats, { fromMs: 0, toMs: 8000, frameMs: 1001 / 30, gopFrames: 60 });
    const v = stats.snapshot(WALL_OFFSET + 8000).video!;
    assert.equal(v.frameRate, 29.97);
    assert.equal(v.measuredFrameRate, 29.97);
    assert.equal(v.keyframeIntervalFrames, 60);
    assert.ok(Math.abs(v.keyframeIntervalMs! - 2002) <= 1);
  });

  it('keeps the declared frame rate and shows what was measured beside it', () => {
    const stats = new InputMediaStats();
    stats.onVideoConfig(video(0, VIDEO_CONFIG));
    feed(stats, { fromMs: 0, toMs: 6000, frameMs: 40 }); // encoder drops to 25 fps
    const v = stats.snapshot(WALL_OFFSET + 6000).video!;
    assert.deepEqual([v.frameRate, v.measuredFrameRate], [30, 25]);
  });

  it('reports the bitrate of the last ~5 s only, and 0 once the input goes quiet', () => {
    const stats = new InputMediaStats();
    feed(stats, { fromMs: 0, toMs: 5000, videoBytes: 4167 }); // ~1000 kbit/s
    feed(stats, { fromMs: 5000, toMs: 12_000, videoBytes: 16_667 }); // ~4000 kbit/s
    const busy = stats.snapshot(WALL_OFFSET + 12_000).video!;
    assert.ok(Math.abs(busy.bitrateKbps! - 4000) <= 40, `${busy.bitrateKbps} kbit/s`);
    const quiet = stats.snapshot(WALL_OFFSET + 30_000);
    assert.equal(quiet.video!.bitrateKbps, 0);
    assert.equal(quiet.video!.measuredFrameRate, null);
    assert.equal(quiet.audio!.bitrateKbps, 0);
  });

  it('gives no bitrate before a second of data', () => {
    const stats = new InputMediaStats();
    feed(stats, { fromMs: 0, toMs: 500 });
    assert.equal(stats.snapshot(WALL_OFFSET + 500).video!.bitrateKbps, null);
    assert.deepEqual(new InputMediaStats().snapshot(WALL_OFFSET), { video: null, audio: null });
  });

  it('averages the last 4 keyframe intervals', () => {
    const stats = new InputMediaStats();
    feed(stats, { fromMs: 0, toMs: 4000, gopFrames: 30 });
    feed(stats, { fromMs: 4000, toMs: 17_000, gopFrames: 90 });
    const v = stats.snapshot(WALL_OFFSET + 17_000).video!;
    assert.deepEqual([v.keyframeIntervalMs, v.keyframeIntervalFrames], [3000, 90]);
  });

  it('does not count a GOP across a timestamp jump (encoder restart)', () => {
    const stats = new InputMediaStats();
    feed(stats, { fromMs: 0, toMs: 4500, gopFrames: 60 });
    feed(stats, { fromMs: 4500, toMs: 9000, gopFrames: 60, dtsFrom: 0 });
    const v = stats.snapshot(WALL_OFFSET + 9000).video!;
    assert.deepEqual([v.keyframeIntervalMs, v.keyframeIntervalFrames, v.measuredFrameRate], [2000, 60, 30]);
  });

  it('records an unreadable sequence header as codec "unknown" and keeps counting', () => {
    const stats = new InputMediaStats();
    assert.doesNotThrow(() => stats.onVideoConfig(video(0, Buffer.from([0x17, 0, 0, 0, 0, 1, 0x64]))));
    assert.doesNotThrow(() => stats.onAudioConfig(audio(0, Buffer.from([0xaf, 0, 0x17]))));
    feed(stats, { fromMs: 0, toMs: 3000 });
    const info = stats.snapshot(WALL_OFFSET + 3000);
    assert.equal(info.video!.codec, 'unknown');
    assert.equal(info.video!.width, null);
    assert.equal(info.video!.measuredFrameRate, 30);
    assert.deepEqual(
      { ...info.audio, bitrateKbps: 0 },
      {
        codec: 'unknown',
        profile: null,
        sampleRate: null,
        channels: null,
        bitrateKbps: 0,
      },
    );
  });

  it('reads non-AAC audio and non-AVC video from the frames themselves', () => {
    const stats = new InputMediaStats();
    stats.onTag(audio(0, fixture(golden.audio, 'mp3 48000 mono (FLV flags say 44 kHz)')), WALL_OFFSET);
    stats.onTag(video(0, Buffer.from([0x12, 0, 0, 0])), WALL_OFFSET); // Sorenson H.263 keyframe
    stats.onTag({ type: FlvTagType.ScriptData, timestamp: 0, data: Buffer.from([2]) }, WALL_OFFSET);
    const info = stats.snapshot(WALL_OFFSET);
    assert.deepEqual(info.audio, {
      codec: 'mp3',
      profile: null,
      sampleRate: 48000,
      channels: 1,
      bitrateKbps: null,
    });
    assert.equal(info.video!.codec, 'flv1');
  });

  it('follows a new sequence header and forgets everything on reset', () => {
    const stats = new InputMediaStats();
    stats.onVideoConfig(video(0, VIDEO_CONFIG));
    feed(stats, { fromMs: 0, toMs: 3000 });
    stats.onVideoConfig(video(3000, fixture(golden.video, 'x264 high 1280x720 29.97fps')));
    const v = stats.snapshot(WALL_OFFSET + 3000).video!;
    assert.deepEqual([v.width, v.height, v.profile, v.frameRate], [1280, 720, 'High', 29.97]);
    stats.reset();
    assert.deepEqual(stats.snapshot(WALL_OFFSET + 3000), { video: null, audio: null });
  });
});

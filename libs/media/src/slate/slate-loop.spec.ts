import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlvTagType } from '../protocols/flv/flv-constants';
import {
  isAudioSequenceHeader,
  isVideoKeyframe,
  isVideoSequenceHeader,
  type FlvTag,
} from '../protocols/flv/flv-tag';
import { SlateLoop } from './slate-loop';
import { FakeSlateScheduler } from './testing/fake-slate-scheduler';
import { syntheticSlateClip } from './testing/synthetic-slate-clip';

interface Sent {
  tag: FlvTag;
  at: number;
}

function play(params = {}, videoFrames = 60, gop = 30, audioFrames = 75) {
  const scheduler = new FakeSlateScheduler();
  const clip = syntheticSlateClip(params, videoFrames, gop, audioFrames);
  const loop = new SlateLoop(clip, scheduler);
  const sent: Sent[] = [];
  loop.start((tag) => sent.push({ tag, at: scheduler.time }));
  const media = (type: number) =>
    sent.filter((s) => s.tag.type === type && !isVideoSequenceHeader(s.tag) && !isAudioSequenceHeader(s.tag));
  return {
    scheduler,
    loop,
    sent,
    clip,
    video: () => media(FlvTagType.Video),
    audio: () => media(FlvTagType.Audio),
  };
}

describe('SlateLoop', () => {
  it('starts with the AVC and AAC sequence headers at DTS 0, then a keyframe', () => {
    const { sent } = play();
    assert.ok(isVideoSequenceHeader(sent[0]!.tag));
    assert.ok(isAudioSequenceHeader(sent[1]!.tag));
    assert.deepEqual([sent[0]!.tag.timestamp, sent[1]!.tag.timestamp], [0, 0]);
    assert.ok(isVideoKeyframe(sent[2]!.tag));
  });

  it('keeps each track continuous across loops of the clip, at n·1000/fps and k·1024·1000/rate', () => {
    const { scheduler, video, audio, clip } = play({
      frameRateNum: 30000,
      frameRateDen: 1001,
      sampleRate: 44100,
    });
    scheduler.advance(10_000);
    const v = video();
    const a = audio();
    assert.ok(v.length > 3 * clip.video.length, 'the video looped several times');
    v.forEach((s, n) => assert.equal(s.tag.timestamp, Math.round((n * 1001) / 30)));
    a.forEach((s, k) => assert.equal(s.tag.timestamp, Math.round((k * 1024 * 1000) / 44100)));
    v.forEach((s, n) => assert.equal(s.tag.data, clip.video[n % clip.video.length]));
    // Every loop restarts at the clip's first frame, a keyframe.
    for (let n = 0; n < v.length; n += clip.video.length) assert.ok(isVideoKeyframe(v[n]!.tag));
  });

  it('sends each tag when its DTS falls due on the wall clock: no burst, no drift over 10 minutes', () => {
    const { scheduler, sent, video, audio } = play();
    scheduler.advance(600_000);
    for (const s of sent) {
      assert.ok(s.at >= s.tag.timestamp, `DTS ${s.tag.timestamp} not sent early (at ${s.at})`);
      assert.ok(s.at - s.tag.timestamp <= 5, `DTS ${s.tag.timestamp} sent ${s.at - s.tag.timestamp} ms late`);
    }
    const lastVideo = video().at(-1)!.tag.timestamp;
    const lastAudio = audio().at(-1)!.tag.timestamp;
    assert.ok(600_000 - lastVideo < 34 && 600_000 - lastAudio < 22, `${lastVideo}, ${lastAudio}`);
    assert.ok(Math.abs(lastVideo - lastAudio) < 34, 'audio and video stay in sync');
  });

  it('resumes from the current time after a blocked event loop instead of sending the backlog', () => {
    const { scheduler, sent } = play();
    scheduler.advance(1000);
    const before = sent.length;
    scheduler.block(5000);
    scheduler.advance(1);
    const burst = sent.length - before;
    assert.ok(burst <= 3, `${burst} tags sent at once after the stall`);
    const after = sent.slice(before);
    const ts = after.map((s) => s.tag.timestamp);
    assert.ok(ts[0]! > 1000 && ts[0]! < 1100, 'timestamps carry on without a hole');
  });

  it('stops at once and can be stopped twice', () => {
    const { scheduler, loop, sent } = play();
    scheduler.advance(500);
    loop.stop();
    loop.stop();
    const count = sent.length;
    scheduler.advance(5000);
    assert.equal(sent.length, count);
    assert.equal(scheduler.pending, 0);
    assert.equal(loop.playing, false);
  });

  it('wakes about once per tag, not in a busy loop', () => {
    const { scheduler, sent } = play();
    scheduler.advance(10_000);
    assert.ok(scheduler.wakes <= sent.length, `${scheduler.wakes} wakes for ${sent.length} tags`);
  });
});

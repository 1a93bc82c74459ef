import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AvcPacketType, FlvTagType } from '../protocols/flv/flv-constants';
import { isAvcEndOfSequence, type FlvTag } from '../protocols/flv/flv-tag';
import { ProgramTimeline } from './program-timeline';

const video = (timestamp: number, packetType: number = AvcPacketType.Nalu): FlvTag => ({
  type: FlvTagType.Video,
  timestamp,
  data: Buffer.from([0x27, packetType, 0, 0, 0]),
});
const audio = (timestamp: number): FlvTag => ({
  type: FlvTagType.Audio,
  timestamp,
  data: Buffer.from([0xaf, 1, 0]),
});

/** Sends `tags` of the current input through the timeline; returns the program timestamps. */
function send(timeline: ProgramTimeline, tags: FlvTag[]): number[] {
  return tags.map((tag) => timeline.stamp(tag, timeline.map(tag)));
}

describe('ProgramTimeline', () => {
  it('starts the next input one frame interval after an encoder that stopped with an end-of-sequence marker', () => {
    // ffmpeg's FLV muxer ends a publish with an AVC end-of-sequence tag at its last frame's timestamp.
    const timeline = new ProgramTimeline(2000);
    timeline.beginSwitch(0, 10_000);
    const stamped = send(timeline, [
      video(0),
      audio(10),
      video(33),
      audio(31),
      video(66),
      audio(53),
      audio(74),
    ]);
    const eos = video(66, AvcPacketType.EndOfSequence);
    assert.ok(isAvcEndOfSequence(eos));
    assert.equal(timeline.stamp(eos, timeline.map(eos)), 67, 'the marker itself is moved after the frame');
    assert.deepEqual(stamped, [0, 10, 33, 31, 66, 53, 74]);

    const placement = timeline.beginSwitch(0, 10_100);
    // One real frame interval (33 ms) after the last tag (audio at 74), not 1 ms after it.
    assert.equal(placement.start, 74 + 33);
    assert.equal(timeline.stamp(audio(0), timeline.map(audio(0))), 107);
  });

  it('keeps video and audio DTS each strictly increasing across a switch', () => {
    const timeline = new ProgramTimeline(2000);
    timeline.beginSwitch(0, 0);
    send(timeline, [video(0), audio(0), video(33), audio(21), audio(42)]);
    const start = timeline.beginSwitch(500, 100).start;
    // The new input's audio runs ahead of its keyframe: clamped to the switch floor, then kept increasing.
    const sent = send(timeline, [audio(490), audio(495), video(500), audio(511)]);
    assert.deepEqual(sent, [start, start + 1, start, start + 11]);
  });
});

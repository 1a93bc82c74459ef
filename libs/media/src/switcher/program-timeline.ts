import { FlvTagType } from '../protocols/flv/flv-constants';
import {
  isAudioSequenceHeader,
  isMediaFrame,
  isVideoSequenceHeader,
  type FlvTag,
} from '../protocols/flv/flv-tag';

/** A timestamp jump inside one session larger than this (ms) is an encoder discontinuity: rebase. */
const MAX_FORWARD_JUMP_MS = 3000;
const MAX_BACKWARD_JUMP_MS = 1000;
/** Frame interval assumed before the program has two video frames (ms), and its upper bound. */
const DEFAULT_FRAME_INTERVAL_MS = 33;
const MAX_FRAME_INTERVAL_MS = 100;

/** Where a switch puts the new input on the program timeline. All values in ms. */
export interface SwitchPlacement {
  /** Program timestamp of the new input's first tag. */
  readonly start: number;
  /** Timestamp hole beyond one frame interval (0 when continuous, > 0 when catching up on drift). */
  readonly gapMs: number;
  /** How far the program ran behind (> 0) or ahead (< 0) of the wall clock before the switch. */
  readonly driftMs: number;
}

/**
 * The program's timestamps: maps each input tag's DTS to a program DTS, and keeps the program within
 * `maxDriftMs` of the wall clock across switches.
 *
 * program DTS = input DTS + offset. At a switch the offset is set so the new input starts one frame
 * interval after the last program tag. Video and audio DTS each stay strictly increasing
 * (FLV spec E.4.1 Timestamp). Composition times (E.4.3.1) are never touched, so PTS - DTS holds.
 *
 * Drift: switches add wall-clock time without media (loss detection, keyframe waits), and GOP replays
 * add media without wall-clock time. `driftMs` = (wall time since the anchor) - (program time since
 * then). The anchor is set by the first placement of a show (and again after {@link reanchor}) so that
 * the live edge of what it sends is "now": the start-up GOP puts nothing ahead. A switch that would
 * leave the program more than `maxDriftMs` behind after its replay leaves a timestamp hole of the rest
 * instead, so repeated switches cannot push the platforms further and further behind. Ahead: the
 * switcher replays only while {@link projectedAheadMs} stays within bounds, gives the lead back before
 * a planned switch (LeadTrim), and its BacklogGuard drops on-air media that would put the program more
 * than `maxDriftMs` ahead.
 */
export class ProgramTimeline {
  private offset = 0;
  private lastTs = -1;
  private lastVideoTs = -1;
  private lastAudioTs = -1;
  private floorTs = 0;
  private frameInterval = DEFAULT_FRAME_INTERVAL_MS;
  private wallStart: number | null = null;

  /** @param maxDriftMs most the program may run behind or ahead of the wall clock (ms); see {@link setMaxDriftMs}. */
  constructor(private maxDriftMs: number) {}

  /** A new drift bound (ms), used from the next placement on; the timestamps sent so far stay as they are. */
  setMaxDriftMs(maxDriftMs: number): void {
    this.maxDriftMs = maxDriftMs;
  }

  /** Highest program timestamp sent (ms), -1 before the first tag. */
  get lastTimestamp(): number {
    return this.lastTs;
  }

  /** Program time behind the wall clock (ms; negative when ahead); 0 before the first switch. */
  driftMs(now: number): number {
    if (this.wallStart === null || this.lastTs < 0) return 0;
    return now - this.wallStart - this.lastTs;
  }

  /**
   * How far program timestamp `programTs` (ms) is ahead of the wall clock at `now` (ms): > 0 when
   * sending it now puts the program ahead, < 0 when behind; 0 before the first switch.
   */
  aheadMs(programTs: number, now: number): number {
    return this.wallStart === null ? 0 : programTs - (now - this.wallStart);
  }

  /**
   * How far ahead of the wall clock (ms) the program would be after a switch at `now` (ms) that sends
   * `spanMs` of media at once (a GOP replay) from where {@link beginSwitch} would place it.
   */
  projectedAheadMs(spanMs: number, now: number): number {
    if (this.wallStart === null) return 0;
    return this.aheadMs(this.placementStart(now, spanMs) + spanMs, now);
  }

  /**
   * The next placement starts the wall clock again: its live edge is "now". For a show's start, when
   * nothing of the program has reached a reader yet; timestamps stay continuous.
   */
  reanchor(): void {
    this.wallStart = null;
  }

  /**
   * Places a new input whose first tag to send has input DTS `baseTs` and whose newest tag sent at once
   * (the end of a replay) has input DTS `liveEdgeTs` (default `baseTs`), at wall clock `now` (ms).
   */
  beginSwitch(baseTs: number, now: number, liveEdgeTs = baseTs): SwitchPlacement {
    const spanMs = Math.max(0, liveEdgeTs - baseTs);
    if (this.wallStart === null) this.wallStart = now - this.continuousStart() - spanMs;
    const driftMs = this.driftMs(now);
    const start = this.placementStart(now, spanMs);
    this.offset = start - baseTs;
    this.floorTs = start;
    return { start, gapMs: start - this.continuousStart(), driftMs };
  }

  /** One frame interval after the last program tag: where a continuous switch starts (ms). */
  private continuousStart(): number {
    return this.lastTs < 0 ? 0 : this.lastTs + this.frameInterval;
  }

  /**
   * Where a switch at `now` that sends `spanMs` of media at once starts: continuous, or later by what
   * the program would still lag behind after it, when that is more than maxDriftMs (ms).
   */
  private placementStart(now: number, spanMs: number): number {
    const lagAfterMs = this.driftMs(now) - spanMs;
    return this.continuousStart() + (lagAfterMs > this.maxDriftMs ? lagAfterMs : 0);
  }

  /** Program timestamp of an input tag of the current input, after continuity and monotonicity rules. */
  map(tag: FlvTag): number {
    let ts = tag.timestamp + this.offset;
    if (
      this.lastTs >= 0 &&
      (ts - this.lastTs > MAX_FORWARD_JUMP_MS || this.lastTs - ts > MAX_BACKWARD_JUMP_MS)
    ) {
      const next = this.lastTs + this.frameInterval;
      this.offset = next - tag.timestamp;
      ts = next;
    }
    return ts;
  }

  /**
   * Applies the monotonicity rules to a program timestamp and records it; returns the timestamp to send.
   * Video and audio DTS each stay strictly increasing (FLV spec E.4.1): a tag at or before the last of
   * its kind is moved 1 ms after it, since muxers downstream (ffmpeg legs, platforms transmuxing to
   * MP4/HLS) reject two packets with one DTS. The frame interval (where the next switch starts) is
   * learned only from coded video frames sent at their own timestamp, never from a moved tag or an AVC
   * end-of-sequence marker (AVCPacketType 2, E.4.3.1), which an encoder sends with its last frame's
   * timestamp when it stops: learning 1 ms from it put the next input 1 ms after the last audio frame.
   */
  stamp(tag: FlvTag, programTs: number): number {
    let ts = Math.max(programTs, this.floorTs);
    if (tag.type === FlvTagType.Video && !isVideoSequenceHeader(tag)) {
      const moved = ts <= this.lastVideoTs;
      if (moved) ts = this.lastVideoTs + 1;
      if (this.lastVideoTs >= 0 && !moved && isMediaFrame(tag)) {
        const interval = ts - this.lastVideoTs;
        if (interval <= MAX_FRAME_INTERVAL_MS) this.frameInterval = interval;
      }
      this.lastVideoTs = ts;
    } else if (tag.type === FlvTagType.Audio && !isAudioSequenceHeader(tag)) {
      if (ts <= this.lastAudioTs) ts = this.lastAudioTs + 1;
      this.lastAudioTs = ts;
    }
    if (ts > this.lastTs) this.lastTs = ts;
    return ts;
  }
}

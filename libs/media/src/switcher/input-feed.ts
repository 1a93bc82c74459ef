import type { InputRole } from '../ingest/ingest-types';
import { FlvTagType } from '../protocols/flv/flv-constants';
import {
  isAudioSequenceHeader,
  isVideoKeyframe,
  isVideoSequenceHeader,
  type FlvTag,
} from '../protocols/flv/flv-tag';
import { GopHistory } from './gop-history';
import { InputPacing } from './input-pacing';

/**
 * State of one input as the switcher sees it.
 *   offline → live (first media after publish) → stalled (no media for stallTimeoutMs) → live …
 *   any → offline (publisher gone)
 */
export type InputFeedState = 'offline' | 'live' | 'stalled';

/** config: metadata or a sequence header; keyframe: starts a GOP; frame: any other media. */
export type RecordedTagKind = 'config' | 'keyframe' | 'frame';

/**
 * What the switcher keeps of one input (primary or backup): its current publishing session, the
 * sequence headers and metadata to send on a switch, its recent GOPs ({@link GopHistory}), and media
 * timing for stall detection. Timestamps here are the input's own (ms).
 */
export class InputFeed {
  state: InputFeedState = 'offline';
  /** Identifies the current publishing session; media of older sessions is ignored. */
  session = 0;
  /** Wall clock (ms) when the current publisher connected; null while none is connected. */
  connectedAt: number | null = null;
  metadata: FlvTag | null = null;
  videoConfig: FlvTag | null = null;
  audioConfig: FlvTag | null = null;
  /** The recent GOPs with their keyframes' arrival times: what a switch replays from. */
  readonly gop = new GopHistory();
  /** Wall clock (ms) of the last media frame; 0 before any. */
  lastMediaAt = 0;
  /** Wall clock (ms) since which the input has been live without interruption, or null. */
  liveSince: number | null = null;
  /**
   * Wall clock (ms) since which the input has been live and sending in real time (not draining a
   * backlog, see {@link InputPacing}), or null: what failback waits for. Updated by {@link updateHealth}.
   */
  healthySince: number | null = null;
  /** Whether this session was lost (stalled) and came back: it must prove its pacing before a resume. */
  recoveredFromStall = false;
  /** Whether the media arrives in real time (lead of media time over the wall clock). */
  readonly pacing = new InputPacing();
  /** Media frames received in this session (for diagnostics and the timeline). */
  frames = 0;
  bytes = 0;
  /** Highest media DTS of this session (ms) and the wall clock (ms) when it last rose. */
  maxMediaTs = -1;
  lastTsAdvanceAt = 0;
  /** Wall clock (ms) of the last time this input was lost (survives new sessions), or null. */
  lastLossAt: number | null = null;
  /** A rehearsal treats this input as lost while it keeps publishing: its reason, or null. */
  simulatedLoss: string | null = null;

  constructor(readonly role: InputRole) {}

  /** A new publishing session (connectedAt = its start) or none (null): caches reset. */
  reset(session: number, connectedAt: number | null): void {
    this.session = session;
    this.connectedAt = connectedAt;
    this.state = 'offline';
    this.metadata = null;
    this.videoConfig = null;
    this.audioConfig = null;
    this.gop.clear();
    this.lastMediaAt = 0;
    this.liveSince = null;
    this.healthySince = null;
    this.recoveredFromStall = false;
    this.pacing.reset(connectedAt ?? 0);
    this.frames = 0;
    this.bytes = 0;
    this.maxMediaTs = -1;
    this.lastTsAdvanceAt = 0;
  }

  /** Records a tag of this input's session and says what it was. */
  record(tag: FlvTag, now: number): RecordedTagKind {
    if (tag.type === FlvTagType.ScriptData) {
      this.metadata = tag;
      return 'config';
    }
    if (isVideoSequenceHeader(tag)) {
      this.videoConfig = tag;
      return 'config';
    }
    if (isAudioSequenceHeader(tag)) {
      this.audioConfig = tag;
      return 'config';
    }
    this.lastMediaAt = now;
    this.pacing.record(tag.type === FlvTagType.Video ? tag.timestamp : null, now);
    if (tag.timestamp > this.maxMediaTs) {
      this.maxMediaTs = tag.timestamp;
      this.lastTsAdvanceAt = now;
    }
    this.frames++;
    this.bytes += tag.data.length;
    const keyframe = isVideoKeyframe(tag);
    this.gop.record(tag, keyframe, now);
    return keyframe ? 'keyframe' : 'frame';
  }

  /**
   * Why the input is not flowing at `now`, or null when it is: no media for `timeoutMs`, or (when
   * `checkTimestamps`) media whose timestamps have not advanced for `timeoutMs`.
   */
  stallReason(now: number, timeoutMs: number, checkTimestamps: boolean): string | null {
    if (now - this.lastMediaAt > timeoutMs) return `no media for ${now - this.lastMediaAt} ms`;
    if (checkTimestamps && now - this.lastTsAdvanceAt > timeoutMs) {
      return `timestamps frozen for ${now - this.lastTsAdvanceAt} ms while media arrives`;
    }
    return null;
  }

  /** Recomputes {@link healthySince} at wall clock `now` (ms): live, and paced since then. */
  updateHealth(now: number): void {
    const paced = this.state === 'live' ? this.pacing.pacedSince(now) : null;
    this.healthySince = paced === null || this.liveSince === null ? null : Math.max(paced, this.liveSince);
  }

  /**
   * Whether a planned switch may put this input on air now: live, not draining a backlog, and, after a
   * stall in this session, paced again (a fresh session may go on air from its first keyframe).
   */
  get readyForAir(): boolean {
    if (this.state !== 'live' || this.pacing.draining) return false;
    return !this.recoveredFromStall || this.healthySince !== null;
  }

  /** Whether this input can go on air now from its GOP history. */
  get hasCachedKeyframe(): boolean {
    return this.gop.hasKeyframe && this.videoConfig !== null;
  }
}

import type { InputRole, PublishSink } from '../ingest/ingest-types';
import type { InputMediaInfo } from '../probe/media-info';
import { InputMediaStats } from '../probe/media-stats';
import type { InputRates } from '../switcher/switcher-types';
import type { PipelineListener } from './pipeline-types';

interface InputMedia {
  readonly stats: InputMediaStats;
  /** Publishing sessions of the input so far; only the latest one is measured. */
  sessions: number;
  /** JSON of the last report (`'null'`: none, or no publisher). */
  reported: string;
}

/**
 * The publishers of an event's two inputs as its pipeline sees them: how many are attached, and what
 * is probed of each one's media ({@link InputMediaStats}: codecs, bitrates over the last ~5 s, frame
 * rates), reported to the listener's `inputMediaChanged` only when it changed. A new publishing
 * session of an input starts its stats afresh; a superseded session is no longer measured.
 */
export class EventInputs {
  private connected = 0;
  private readonly media: Record<InputRole, InputMedia> = {
    primary: { stats: new InputMediaStats(), sessions: 0, reported: 'null' },
    backup: { stats: new InputMediaStats(), sessions: 0, reported: 'null' },
  };

  constructor(
    private readonly eventId: string,
    private readonly listener: Pick<PipelineListener, 'inputMediaChanged'>,
  ) {}

  /** Whether either input has a publisher. */
  get anyConnected(): boolean {
    return this.connected > 0;
  }

  /**
   * Measures a new publishing session of `role` whose tags go to `sink` (the switcher's): returns the
   * sink the ingest server feeds. Its end is counted once, and reports the input as gone (null media).
   */
  attach(role: InputRole, sink: PublishSink): PublishSink {
    this.connected++;
    const media = this.media[role];
    media.stats.reset();
    const session = ++media.sessions;
    let ended = false;
    return {
      onMetadata: (tag) => sink.onMetadata(tag),
      onMedia: (tag) => {
        if (media.sessions === session) media.stats.onTag(tag, Date.now());
        sink.onMedia(tag);
      },
      onEnd: (reason) => {
        if (ended) return;
        ended = true;
        this.connected--;
        sink.onEnd(reason);
        if (media.sessions === session) this.report(role, null);
      },
    };
  }

  /** What is probed of `role`'s media at wall clock `now` (ms); tracks are null until seen. */
  snapshot(role: InputRole, now = Date.now()): InputMediaInfo {
    return this.media[role].stats.snapshot(now);
  }

  /** An input's bitrate (audio + video, kbit/s) and frame rate (measured, else declared), for switch signals. */
  rates(role: InputRole): InputRates {
    const { video, audio } = this.snapshot(role);
    const kbps = [video?.bitrateKbps, audio?.bitrateKbps].filter((v): v is number => typeof v === 'number');
    return {
      bitrateKbps: kbps.length > 0 ? kbps.reduce((a, b) => a + b, 0) : null,
      frameRate: video?.measuredFrameRate ?? video?.frameRate ?? null,
    };
  }

  /** Reports `info` of `role` (null: the input has no publisher) if it changed since the last report. */
  report(role: InputRole, info: InputMediaInfo | null): void {
    const json = JSON.stringify(info);
    if (json === this.media[role].reported) return;
    this.media[role].reported = json;
    this.listener.inputMediaChanged(this.eventId, role, info);
  }
}

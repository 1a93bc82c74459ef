import type { EventJson, RehearsalJson } from '@relay/contracts';
import type { TimelineEntryJson } from '../timeline/timeline.presenter';

/** What one re-read of an event finds. */
export interface StatusSnapshot {
  /** The event as `GET /v1/events/:id` shows it; null when it was deleted (the stream ends). */
  event: EventJson | null;
  /** The event's latest rehearsal as `GET /v1/events/:id/rehearsals/:rehearsalId` shows it, if any. */
  rehearsal: RehearsalJson | null;
  /** Timeline entries after the cursor given to the read, oldest first, at most `timelinePageSize`. */
  timeline: TimelineEntryJson[];
}

/** Reads the event's state; `afterTimelineId`: id of the last timeline entry already sent (undefined: none). */
export type StatusReader = (afterTimelineId: string | undefined) => Promise<StatusSnapshot>;

/** Where frames go: the HTTP response, in the service. */
export interface StreamSink {
  write(chunk: string): void;
  end(): void;
}

/** Timings of {@link EventStreamSession}, ms. */
export interface EventStreamTimings {
  /** Least time between the starts of two re-reads: a burst of notifications costs one re-read. */
  minReadIntervalMs: number;
  /** Re-read this often whatever is announced (notifications lost while Redis is away). */
  safetyReadIntervalMs: number;
  /** A `: keep-alive` comment this often, so proxies and clients see the connection is alive. */
  keepAliveIntervalMs: number;
  /** Entries one re-read returns at most; a full page asks for another re-read. */
  timelinePageSize: number;
}

export const EVENT_STREAM_TIMINGS: EventStreamTimings = {
  minReadIntervalMs: 250,
  safetyReadIntervalMs: 5000,
  keepAliveIntervalMs: 15_000,
  timelinePageSize: 100,
};

/**
 * One Server-Sent Events frame (WHATWG HTML, "Server-sent events", 9.2.5). `json` is serialized JSON,
 * which holds no line break, so it is one `data:` line.
 */
export function sseFrame(type: 'event' | 'rehearsal' | 'timeline', json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';

/**
 * One open status stream of one event. Re-reads the event when told it changed ({@link notify}), at once
 * unless the previous re-read started less than `minReadIntervalMs` ago (then once, when that time is
 * up, for every notification received meanwhile), never two at a time, and every
 * `safetyReadIntervalMs` anyway. Sends an `event` frame when the event JSON differs from the last one
 * sent, a `rehearsal` frame when the latest rehearsal does, and a `timeline` frame per new entry.
 *
 * States: created → open ({@link start}) → closed ({@link close}, the event deleted, or the sink gone).
 */
export class EventStreamSession {
  private lastEvent: string | undefined;
  private lastRehearsal: string | undefined;
  private lastReadStartedAt = Number.NEGATIVE_INFINITY;
  private reading = false;
  private pending = false;
  private delayed: NodeJS.Timeout | undefined;
  private readonly intervals: NodeJS.Timeout[] = [];
  private closed = false;

  /**
   * @param timelineCursor id of the newest timeline entry when the client connected: only later ones
   *   are sent (undefined: the timeline was empty)
   * @param onReadError a failed re-read (database away): the stream stays open and tries again later
   */
  constructor(
    private readonly read: StatusReader,
    private readonly sink: StreamSink,
    private timelineCursor: string | undefined,
    private readonly onReadError: (error: unknown) => void,
    private readonly timings: EventStreamTimings = EVENT_STREAM_TIMINGS,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reads and sends the current state at once, then starts the safety re-read and keep-alive timers. */
  start(): void {
    this.intervals.push(
      setInterval(() => this.notify(), this.timings.safetyReadIntervalMs),
      setInterval(() => this.sink.write(KEEP_ALIVE_FRAME), this.timings.keepAliveIntervalMs),
    );
    this.notify();
  }

  /** The event changed (or may have): re-read it, within the interval rule above. */
  notify(): void {
    if (this.closed) return;
    this.pending = true;
    this.schedule();
  }

  /** Stops the timers and ends the sink. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.delayed);
    for (const interval of this.intervals) clearInterval(interval);
    this.sink.end();
  }

  private schedule(): void {
    if (this.reading || this.delayed || !this.pending || this.closed) return;
    const wait = this.lastReadStartedAt + this.timings.minReadIntervalMs - Date.now();
    if (wait <= 0) {
      void this.readAndSend();
      return;
    }
    this.delayed = setTimeout(() => {
      this.delayed = undefined;
      void this.readAndSend();
    }, wait);
  }

  private async readAndSend(): Promise<void> {
    this.pending = false;
    this.reading = true;
    this.lastReadStartedAt = Date.now();
    try {
      const snapshot = await this.read(this.timelineCursor);
      if (!this.closed) this.send(snapshot);
    } catch (error) {
      if (!this.closed) this.onReadError(error);
    } finally {
      this.reading = false;
      this.schedule();
    }
  }

  private send(snapshot: StatusSnapshot): void {
    if (!snapshot.event) return this.close();
    const event = JSON.stringify(snapshot.event);
    if (event !== this.lastEvent) this.sink.write(sseFrame('event', event));
    this.lastEvent = event;
    if (snapshot.rehearsal) {
      const rehearsal = JSON.stringify(snapshot.rehearsal);
      if (rehearsal !== this.lastRehearsal) this.sink.write(sseFrame('rehearsal', rehearsal));
      this.lastRehearsal = rehearsal;
    }
    for (const entry of snapshot.timeline) {
      this.sink.write(sseFrame('timeline', JSON.stringify(entry)));
      this.timelineCursor = entry.id;
    }
    if (snapshot.timeline.length >= this.timings.timelinePageSize) this.pending = true;
  }
}

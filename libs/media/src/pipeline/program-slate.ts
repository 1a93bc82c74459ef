import type { InputRole } from '../ingest/ingest-types';
import type { InputMediaInfo } from '../probe/media-info';
import type { SlateClip } from '../slate/slate-clip';
import type { SlateClipCache } from '../slate/slate-clip-cache';
import { realSlateScheduler, SlateLoop, type SlateScheduler } from '../slate/slate-loop';
import {
  DEFAULT_SLATE_PARAMS,
  slateParamsFrom,
  slateParamsKey,
  type SlateParams,
} from '../slate/slate-params';
import type { ProgramFiller } from '../switcher/switcher-types';

/** The slate went on air. Times are wall clock ms (epoch). */
export interface SlateStart {
  /** When both inputs were found down (the slate window opened). */
  readonly since: number;
  /** When the legs close unless an input comes back: since + slateTimeoutMs. */
  readonly endsAt: number;
  /** Why, in plain words, e.g. "both inputs down: primary disconnected (backup offline)". */
  readonly reason: string;
  readonly params: SlateParams;
  /** How long the clip took to encode (ms; it may have been encoded long before). */
  readonly encodeMs: number;
  /** From the window opening to the slate's first tag (ms): 0 when the clip was ready. */
  readonly onAirAfterMs: number;
}

/**
 * input-returned: an input went on air again; timeout: slateTimeoutMs ran out and the legs were closed;
 * stopped: the event was stopped; disabled: slateTimeoutMs was set to 0; failed: no clip could be made.
 */
export type SlateEndCause = 'input-returned' | 'timeout' | 'stopped' | 'disabled' | 'failed';

/** The slate (or its window, when it never got on air) ended. Times are wall clock ms. */
export interface SlateEnd {
  readonly cause: SlateEndCause;
  /** Plain words, e.g. "primary came back after 12.3 s on the slate". */
  readonly reason: string;
  /** The input that came back (cause input-returned), else null. */
  readonly input: InputRole | null;
  readonly since: number;
  readonly endedAt: number;
  /** Whether the slate was on air at all (false: the window closed before the clip was ready). */
  readonly wasOnAir: boolean;
  /** Whether the legs were closed (cause timeout). */
  readonly legsClosed: boolean;
}

/** What {@link ProgramSlate} drives: the switcher's filler slot, the legs and the pipeline's listener. */
export interface SlateHost {
  startFiller(filler: ProgramFiller): boolean;
  stopFiller(): void;
  /** Closes every leg cleanly (EOF, flush); resolves once they are closed. */
  closeLegs(): Promise<void>;
  started(start: SlateStart): void;
  ended(end: SlateEnd): void;
  /** slateTimeoutMs changed while the window is open: the legs now close at `start.endsAt`. */
  deadlineChanged(start: SlateStart): void;
}

interface Window {
  since: number;
  endsAt: number;
  reason: string;
  params: SlateParams;
  timer: unknown;
  loop: SlateLoop | null;
  start: SlateStart | null;
}

/**
 * The slate of one event's program (issue 3, item 5): when both inputs are down while the event is on
 * air, the legs stay connected on a still card with silence for `slateTimeoutMs`, then close cleanly.
 *
 *   off → open (window, clip encoding) → on air → off (input returned | timeout | stopped | disabled)
 *   open → off (failed: no clip; the program holds with no media as without a slate)
 *
 * The clip matches the program's current media ({@link prepare}, called when an input goes on air or
 * its media changes), so it is normally encoded before it is needed and goes on air at once.
 */
export class ProgramSlate {
  private window: Window | null = null;
  private params: SlateParams = DEFAULT_SLATE_PARAMS;
  private preparedKey: string | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly host: SlateHost,
    private readonly clips: SlateClipCache,
    private readonly clock: () => number = Date.now,
    private readonly scheduler: SlateScheduler = realSlateScheduler,
  ) {}

  /** Whether the slate is on air. */
  get onAir(): boolean {
    return this.window?.loop != null;
  }

  /** The open window's start, once on air; null otherwise. */
  get current(): SlateStart | null {
    return this.window?.start ?? null;
  }

  /** Encodes (in the background) the clip for a program whose input on air has `media`. */
  prepare(media: InputMediaInfo | null): void {
    const params = slateParamsFrom(media);
    const key = slateParamsKey(params);
    if (key === this.preparedKey) return;
    this.preparedKey = key;
    this.params = params;
    this.clips.prepare(params).then(
      () => (this.lastError = null),
      (error: Error) => (this.lastError = error.message),
    );
  }

  /** Both inputs are down: opens the slate window for `timeoutMs` (nothing when 0 or already open). */
  open(reason: string, timeoutMs: number): void {
    if (this.window || timeoutMs <= 0) return;
    const since = this.clock();
    const params = this.params;
    const window: Window = {
      since,
      endsAt: since + timeoutMs,
      reason,
      params,
      timer: null,
      loop: null,
      start: null,
    };
    this.window = window;
    window.timer = this.scheduler.setTimer(() => void this.timeOut(window), timeoutMs);
    const clip = this.clips.get(params);
    if (clip) return this.goOnAir(window, clip);
    this.clips.prepare(params).then(
      (ready) => {
        if (this.window === window) this.goOnAir(window, ready);
      },
      (error: Error) => {
        if (this.window === window) this.close('failed', `the slate could not be made: ${error.message}`);
      },
    );
  }

  /** An input went on air: the slate ends (the switcher has already taken it off air). */
  inputReturned(role: InputRole): void {
    const w = this.window;
    if (!w) return;
    const seconds = ((this.clock() - w.since) / 1000).toFixed(1);
    this.close('input-returned', `${role} came back after ${seconds} s without input`, role);
  }

  /** slateTimeoutMs changed: moves the deadline of an open window, or ends it when 0. */
  updateTimeout(timeoutMs: number): void {
    const w = this.window;
    if (!w || w.endsAt === w.since + timeoutMs) return;
    if (timeoutMs <= 0) {
      this.close('disabled', 'the slate was turned off (slateTimeoutMs set to 0)');
      return;
    }
    w.endsAt = w.since + timeoutMs;
    this.scheduler.clearTimer(w.timer);
    w.timer = this.scheduler.setTimer(() => void this.timeOut(w), Math.max(0, w.endsAt - this.clock()));
    if (w.start) {
      w.start = { ...w.start, endsAt: w.endsAt };
      this.host.deadlineChanged(w.start);
    }
  }

  /** Ends the slate window (if open) with `cause`; reports it when it was on air or failed. */
  close(cause: SlateEndCause, reason: string, input: InputRole | null = null, legsClosed = false): void {
    const w = this.window;
    if (!w) return;
    this.window = null;
    this.scheduler.clearTimer(w.timer);
    if (w.loop) this.host.stopFiller();
    if (w.loop || cause === 'failed' || legsClosed) {
      const end = {
        cause,
        reason,
        input,
        since: w.since,
        endedAt: this.clock(),
        wasOnAir: w.loop !== null,
        legsClosed,
      };
      this.host.ended(end);
    }
  }

  /** The last clip error, for diagnostics; null after a success. */
  get error(): string | null {
    return this.lastError;
  }

  private goOnAir(w: Window, clip: SlateClip): void {
    const loop = new SlateLoop(clip, this.scheduler);
    if (!this.host.startFiller(loop)) {
      this.close('input-returned', 'an input went on air before the slate');
      return;
    }
    w.loop = loop;
    w.start = {
      since: w.since,
      endsAt: w.endsAt,
      reason: w.reason,
      params: clip.params,
      encodeMs: Math.round(clip.encodeMs),
      onAirAfterMs: this.clock() - w.since,
    };
    this.host.started(w.start);
  }

  /** The window ran out: the slate stops, the legs close, then the end is reported. */
  private async timeOut(w: Window): Promise<void> {
    if (this.window !== w) return;
    this.window = null;
    const seconds = Math.round((w.endsAt - w.since) / 1000);
    if (w.loop) this.host.stopFiller();
    await this.host.closeLegs();
    this.host.ended({
      cause: 'timeout',
      reason: `no input for ${seconds} s: the slate timed out and the legs were closed`,
      input: null,
      since: w.since,
      endedAt: this.clock(),
      wasOnAir: w.start !== null,
      legsClosed: true,
    });
  }
}

import type { SlateScheduler } from '../slate-loop';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A {@link SlateScheduler} on a fake clock for unit tests: time moves only with {@link advance}, which
 * runs each due timer at its own due time, in order.
 */
export class FakeSlateScheduler implements SlateScheduler {
  time = 0;
  /** Timer callbacks run so far. */
  wakes = 0;
  private timers: Timer[] = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const timer = { at: this.time + Math.max(0, delayMs), seq: ++this.seq, callback };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves the clock forward by `ms`, running the timers that fall due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      this.wakes++;
      next.callback();
    }
    this.time = end;
  }

  /** Moves the clock forward by `ms` without running any timer (a blocked event loop). */
  block(ms: number): void {
    this.time += ms;
  }
}

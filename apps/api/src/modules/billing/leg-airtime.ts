/**
 * What the timeline says about an event's legs, in the order written (time, then entry id):
 * - `leg_up`: `leg_connected` (the relay saw the leg's ffmpeg publishing);
 * - `leg_down`: `leg_failed`, `leg_gave_up` (the leg's process ended), `leg_stopped` (the relay closed a
 *   live leg on purpose: destination removed, event stopped or handed over, slate timed out);
 * - `all_down`: `event_started`, `event_stopped`; the relay's takeover of an event from a relay that died
 *   also writes `event_started`. No leg of the event runs across either: a start begins with none.
 * `at` in ms since the epoch.
 */
export type AirtimeMark =
  | { readonly kind: 'leg_up' | 'leg_down'; readonly destinationId: string; readonly at: number }
  | { readonly kind: 'all_down'; readonly at: number };

/** Timeline types that end every leg of the event (`all_down`). */
export const ALL_DOWN_TYPES = ['event_started', 'event_stopped'] as const;
/** Timeline types that start or end one leg's time on air. */
export const LEG_MARK_TYPES = ['leg_connected', 'leg_failed', 'leg_gave_up', 'leg_stopped'] as const;
/** The timeline types {@link markOf} reads. */
export type AirtimeMarkType = (typeof ALL_DOWN_TYPES)[number] | (typeof LEG_MARK_TYPES)[number];

/** The airtime mark of a timeline entry (`at` in ms since the epoch); none for a leg entry without destination. */
export function markOf(entry: {
  type: AirtimeMarkType;
  destinationId: string | null;
  at: number;
}): AirtimeMark | null {
  const { type, destinationId, at } = entry;
  if (type === 'event_started' || type === 'event_stopped') return { kind: 'all_down', at };
  if (!destinationId) return null;
  return { kind: type === 'leg_connected' ? 'leg_up' : 'leg_down', destinationId, at };
}

/** What a leg's row (`destinations`) says now, for a leg whose last mark leaves it on air. */
export interface LegRowNow {
  /** State `live` and the event on air (standby or live). */
  readonly liveNow: boolean;
  /** The row's last write, ms since the epoch: a leg the relay took off air without a mark was off by then. */
  readonly updatedAt: number;
}

/** A metering window, [start, end) in ms since the epoch. */
export interface AirtimeWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * Time on air of each leg of one event within `window`, in ms: the integral of "leg live" over the
 * window, from the marks (all of the event's marks since its last `all_down` at or before the window
 * start; later marks are fine) and the leg rows. Intervals are clipped to the window, so a leg live
 * across a window edge counts in both windows, each part once, and adjacent windows add up to the whole.
 *
 * An interval starts at `leg_up` and ends at the first later `leg_down` of the leg, `all_down`, or
 * `leg_up` of the same leg (an up with no down in between: the relay running it died, see below).
 * An interval with no end among the marks:
 * - the row is live now: it lasts to the window's end (the leg is still on air);
 * - the row is there but not live: it ends at the row's last write, the one that took it off air;
 * - no row (the destination was deleted while live and the relay wrote no `leg_stopped`, e.g. it died
 *   first): it ends at its `leg_up`, i.e. counts nothing: usage is under-counted rather than invented.
 * A relay that dies writes no `leg_down`: its legs count until the relay that takes the event over
 * writes `event_started` (the owner lock, 6 s, plus the takeover grace, 1.6 s, after the last renewal)
 * and resets the rows; while no relay runs at all, the rows stay live and the legs count until the
 * event is stopped.
 *
 * @returns ms on air per destination id (only legs with time in the window)
 */
export function legAirtimeMs(
  marks: readonly AirtimeMark[],
  window: AirtimeWindow,
  rows: ReadonlyMap<string, LegRowNow>,
): Map<string, number> {
  const onAir = new Map<string, number>();
  const open = new Map<string, number>();
  const close = (destinationId: string, from: number, to: number): void => {
    const ms = Math.min(to, window.end) - Math.max(from, window.start);
    if (ms > 0) onAir.set(destinationId, (onAir.get(destinationId) ?? 0) + ms);
  };
  for (const mark of marks) {
    if (mark.kind === 'all_down') {
      for (const [destinationId, from] of open) close(destinationId, from, mark.at);
      open.clear();
      continue;
    }
    const from = open.get(mark.destinationId);
    if (from !== undefined) {
      close(mark.destinationId, from, mark.at);
      open.delete(mark.destinationId);
    }
    if (mark.kind === 'leg_up') open.set(mark.destinationId, mark.at);
  }
  for (const [destinationId, from] of open) {
    const row = rows.get(destinationId);
    close(destinationId, from, !row ? from : row.liveNow ? window.end : Math.max(from, row.updatedAt));
  }
  return onAir;
}

/**
 * Destination-minutes to bill for a window and the seconds carried to the next one: whole minutes of
 * `carriedSeconds + onAirSeconds`, the rest (below 60 s) carried, so short legs add up over windows
 * instead of each window rounding up or down.
 */
export function billableMinutes(
  carriedSeconds: number,
  onAirSeconds: number,
): { minutes: number; carrySeconds: number } {
  const total = carriedSeconds + onAirSeconds;
  return { minutes: Math.floor(total / 60), carrySeconds: total % 60 };
}

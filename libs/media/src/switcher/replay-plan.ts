import type { FlvTag } from '../protocols/flv/flv-tag';
import type { GopHistory, ReplayStart } from './gop-history';
import type { ProgramTimeline } from './program-timeline';

/**
 * Where a switch at wall clock `now` (ms) starts the new input in its GOP history, or null when no
 * start keeps the program within `maxAheadMs` ahead of the wall clock (the switch then waits for the
 * input's next keyframe). Call only when the history has a keyframe.
 *
 * - Loss-driven (`coverLag`): the newest keyframe that arrived by `now - lag`, where lag is how far the
 *   program is behind the wall clock: the replay covers the time the lost input was silent, so the
 *   program catches up with no hole and ends at most one GOP ahead (≤ 1 GOP of content repeats). For
 *   a hard disconnect (lag about 0) that is the newest keyframe. If that replay would be too far ahead
 *   (an input that sent a backlog), the newest keyframe.
 * - Planned: the newest keyframe.
 */
export function replayStart(
  history: GopHistory,
  timeline: ProgramTimeline,
  now: number,
  coverLag: boolean,
  maxAheadMs: number,
): ReplayStart | null {
  const fits = (start: ReplayStart) =>
    timeline.projectedAheadMs(history.replaySpanMs(start), now) <= maxAheadMs;
  const covering = coverLag ? history.startCovering(now - Math.max(0, timeline.driftMs(now))) : null;
  if (covering && fits(covering)) return covering;
  const newest = history.newest();
  return fits(newest) ? newest : null;
}

/** The input DTS (ms) of a replay's earliest tag (its base) and of its latest (its live edge). */
export function replayBounds(replay: readonly FlvTag[]): { base: number; liveEdge: number } {
  let base = Infinity;
  let liveEdge = -Infinity;
  for (const tag of replay) {
    base = Math.min(base, tag.timestamp);
    liveEdge = Math.max(liveEdge, tag.timestamp);
  }
  return { base, liveEdge };
}

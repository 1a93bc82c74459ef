/**
 * What one switch looked like at one destination, from the tags an {@link RtmpSubscriber} recorded.
 * Inputs are told apart by picture size (each input's AVC sequence header). All values in ms.
 *   - latency: from the fault to the arrival of the first video frame of the new input;
 *   - freeze: wall clock between the last video frame of the old input and that first new frame;
 *   - videoStep / audioStep: DTS step across the switch (one frame interval when continuous; the hole is
 *     what exceeds it); the audio step is the largest between consecutive audio frames around the switch;
 *   - replayLead: how far the new input's DTS ran ahead of its arrival times in its first 3 s, i.e. media
 *     delivered faster than real time: the GOP replayed from the cache, measured at the destination.
 */
import type { ArrivedTag, RtmpSubscriber } from './failover-subscriber';

export interface SwitchAtDestination {
  readonly firstNewAt: number;
  readonly latency: number;
  readonly freeze: number;
  readonly videoStep: number;
  readonly audioStep: number;
  /** Video or audio DTS lower than the previous one of the same type, around the switch. */
  readonly backwardSteps: number;
  readonly replayLead: number;
}

const isFrame = (t: ArrivedTag, type: 8 | 9): boolean => t.type === type && !t.config;

/** A video frame whose input (picture size) differs from the previous video frame's: a switch. */
export interface SourceChange {
  /** Index of that first frame in `subscriber.tags`. */
  readonly index: number;
  readonly source: string;
}

/** Every switch seen at one destination, in arrival order (the first frame of the stream is not one). */
export function sourceChanges(subscriber: RtmpSubscriber): SourceChange[] {
  const changes: SourceChange[] = [];
  let previous: string | null = null;
  for (const [index, tag] of subscriber.tags.entries()) {
    if (!isFrame(tag, 9)) continue;
    if (previous !== null && tag.source !== previous) changes.push({ index, source: tag.source });
    previous = tag.source;
  }
  return changes;
}

/**
 * The switch whose first new frame is `subscriber.tags[index]`, timed from `faultAt`. `until` bounds the
 * replay-lead scan (e.g. the arrival of the next switch).
 */
export function describeSwitch(
  subscriber: RtmpSubscriber,
  index: number,
  faultAt: number,
  until = Number.POSITIVE_INFINITY,
): SwitchAtDestination {
  const tags = subscriber.tags;
  const first = tags[index]!;
  let j = index - 1;
  while (j > 0 && !(isFrame(tags[j]!, 9) && tags[j]!.source !== first.source)) j--;
  const last = tags[j]!;

  let audioStep = 0;
  let backwardSteps = 0;
  const previous: Record<8 | 9, number | null> = { 8: null, 9: null };
  // From a little before the last old frame to well after the first new one (the replay burst included).
  for (let k = Math.max(0, j - 20); k < Math.min(tags.length, index + 90); k++) {
    const t = tags[k]!;
    if (t.config) continue;
    const prev = previous[t.type];
    if (prev !== null && t.dts < prev) backwardSteps++;
    if (prev !== null && t.type === 8) audioStep = Math.max(audioStep, t.dts - prev);
    previous[t.type] = t.dts;
  }

  let replayLead = 0;
  const scanEnd = Math.min(until, first.at + 3000);
  for (let k = index; k < tags.length && tags[k]!.at <= scanEnd; k++) {
    const t = tags[k]!;
    if (!isFrame(t, 9) || t.source !== first.source) continue;
    replayLead = Math.max(replayLead, t.dts - first.dts - (t.at - first.at));
  }

  return {
    firstNewAt: first.at,
    latency: first.at - faultAt,
    freeze: first.at - last.at,
    videoStep: first.dts - last.dts,
    audioStep,
    backwardSteps,
    replayLead,
  };
}

/**
 * Over a whole recording: backward DTS steps, the largest forward step per media type, and how far the
 * media ran ahead of real time (`aheadMs`: DTS advance minus arrival-time advance, first to last video
 * frame; negative when behind). Only switches change `aheadMs`: a replayed GOP adds, a wait subtracts.
 */
export function wholeTimeline(subscriber: RtmpSubscriber): {
  backwardSteps: number;
  largestVideoStep: number;
  largestAudioStep: number;
  aheadMs: number;
} {
  const previous: Record<8 | 9, number | null> = { 8: null, 9: null };
  const largest: Record<8 | 9, number> = { 8: 0, 9: 0 };
  let backwardSteps = 0;
  let first: ArrivedTag | null = null;
  let last: ArrivedTag | null = null;
  for (const t of subscriber.tags) {
    if (t.config) continue;
    if (t.type === 9) {
      first ??= t;
      last = t;
    }
    const prev = previous[t.type];
    if (prev !== null) {
      if (t.dts < prev) backwardSteps++;
      else largest[t.type] = Math.max(largest[t.type], t.dts - prev);
    }
    previous[t.type] = t.dts;
  }
  const aheadMs = first && last ? last.dts - first.dts - (last.at - first.at) : 0;
  return { backwardSteps, largestVideoStep: largest[9], largestAudioStep: largest[8], aheadMs };
}

/** p50, p95 and max of `values` (nearest rank); NaN for an empty list. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const rank = (q: number): number =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: rank(0.5), p95: rank(0.95), max: sorted.at(-1) ?? Number.NaN };
}

/** "12 / 30 / 41" with `digits` decimals, or "–" when there is no value. */
export function formatSummary(s: Summary, digits = 0): string {
  if (s.n === 0) return '–';
  return [s.p50, s.p95, s.max].map((v) => v.toFixed(digits)).join(' / ');
}

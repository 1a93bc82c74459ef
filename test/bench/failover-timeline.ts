/**
 * The relay's own account of each switch, from `GET /v1/events/:id/timeline` (entries `failover` and
 * `failback`, written by apps/relay pipeline-events.listener.ts). Durations in ms.
 */
import type { RelayStack } from '../utils/relay-stack';

/** The detail of one `failover` or `failback` timeline entry. */
export interface SwitchDetail {
  readonly at: string;
  readonly reason: string;
  /** Decision to first tag of the new input sent (the keyframe wait). */
  readonly switchMs: number;
  readonly keyframeWaitMs: number;
  /** Timestamp hole left beyond one frame interval (drift catch-up). */
  readonly gapMs: number;
  /** Tags (audio and video) replayed from the GOP cache; 1 when the switch waited for a keyframe. */
  readonly replayedTags: number;
  /** Program time behind (> 0) or ahead (< 0) of the wall clock before the switch. */
  readonly driftMs: number;
  readonly lostInputLastPacketAgeMs: number | null;
}

interface TimelinePage {
  items: Array<{ id: string; at: string; type: string; detail: Record<string, unknown> }>;
  nextCursor: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** Every failover and failback of the event, oldest first. */
export async function fetchSwitches(
  stack: RelayStack,
  eventId: string,
): Promise<{ failovers: SwitchDetail[]; failbacks: SwitchDetail[] }> {
  const failovers: SwitchDetail[] = [];
  const failbacks: SwitchDetail[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query: string = after ? `?limit=500&after=${after}` : '?limit=500';
    const response = await stack.request<TimelinePage>('GET', `/v1/events/${eventId}/timeline${query}`);
    if (response.status !== 200) throw new Error(`GET timeline: ${response.status}`);
    for (const item of response.body.items) {
      if (item.type !== 'failover' && item.type !== 'failback') continue;
      const d = item.detail;
      const detail: SwitchDetail = {
        at: item.at,
        reason: typeof d.reason === 'string' ? d.reason : '',
        switchMs: num(d.switchMs),
        keyframeWaitMs: num(d.keyframeWaitMs),
        gapMs: num(d.gapMs),
        replayedTags: num(d.replayedTags),
        driftMs: num(d.driftMs),
        lostInputLastPacketAgeMs:
          typeof d.lostInputLastPacketAgeMs === 'number' ? d.lostInputLastPacketAgeMs : null,
      };
      (item.type === 'failover' ? failovers : failbacks).push(detail);
    }
    after = response.body.nextCursor;
    if (!after) break;
  }
  return { failovers, failbacks };
}

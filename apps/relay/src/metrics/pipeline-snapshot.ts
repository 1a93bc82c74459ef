import type { InputRole } from '@relay/contracts';
import type { EventPipeline, InputFeedState, OutboundLegState } from '@relay/media';
import { idLabel, UnsafeLabelValueError } from '@relay/observability';
import { platformOfHost, type DestinationPlatform } from './destination-platform';

/** A leg's state label: the leg's own state, or 'failed' once its supervisor gave up. */
export type LegStateLabel = OutboundLegState | 'failed';
export const LEG_STATE_LABELS: readonly LegStateLabel[] = [
  'idle',
  'connecting',
  'live',
  'stopping',
  'exited',
  'failed',
];
export const INPUT_STATE_LABELS: readonly InputFeedState[] = ['offline', 'live', 'stalled'];
const ROLES: readonly InputRole[] = ['primary', 'backup'];

/** One input of an event at scrape time. Bitrates in bit/s, ages in s. */
export interface InputSnapshot {
  readonly role: InputRole;
  readonly state: InputFeedState;
  readonly bitrateBps: number;
  /** Media frames of the current publishing session (0 with none). */
  readonly frames: number;
  /** Since the last media frame of the session; null before any. */
  readonly lastMediaAgeSeconds: number | null;
  readonly onAir: boolean;
}

/** One leg of an event at scrape time. */
export interface LegSnapshot {
  readonly destinationId: string;
  readonly platform: DestinationPlatform;
  readonly state: LegStateLabel;
  readonly bytes: number;
  readonly restarts: number;
  readonly uptimeSeconds: number;
}

/** One event this relay runs, at scrape time. Ids are checked label values. */
export interface EventSnapshot {
  readonly eventId: string;
  readonly inputs: readonly InputSnapshot[];
  readonly failovers: number;
  readonly failbacks: number;
  /** The on-air input's bitrate (the program copies it), bit/s; 0 with no input on air. */
  readonly programBitrateBps: number;
  /** FLV tags (audio and video frames, headers) published to the program. */
  readonly programFrames: number;
  /** Since the program last went on air, s; 0 while off air. */
  readonly uptimeSeconds: number;
  readonly legs: readonly LegSnapshot[];
}

/**
 * Reads what the pipeline already keeps (switcher feeds, probed media, switch counts, leg statuses): no
 * per-packet work. An event or destination whose id is not a plain identifier is left out.
 */
export function snapshotPipeline(pipeline: EventPipeline, nowMs: number): EventSnapshot | null {
  const eventId = checkedId(pipeline.eventId);
  if (!eventId) return null;
  const active = pipeline.switcher.activeInput;
  const inputs = ROLES.map((role): InputSnapshot => {
    const feed = pipeline.switcher.feed(role);
    const state = pipeline.switcher.inputState(role);
    return {
      role,
      state,
      bitrateBps: state === 'offline' ? 0 : bitrateOf(pipeline, role),
      frames: feed.frames,
      lastMediaAgeSeconds: feed.lastMediaAt > 0 ? Math.max(0, nowMs - feed.lastMediaAt) / 1000 : null,
      onAir: active === role,
    };
  });
  const legs: LegSnapshot[] = [];
  // A destination given up before a takeover has no leg here but is still `failed` to its owner.
  for (const leg of [...pipeline.legStatuses(), ...pipeline.heldBackLegs()]) {
    const destinationId = checkedId(leg.destinationId);
    if (!destinationId) continue;
    legs.push({
      destinationId,
      platform: platformOfHost(leg.destinationHost),
      state: leg.gaveUp && leg.state === 'exited' ? 'failed' : leg.state,
      bytes: leg.bytesWritten,
      restarts: Math.max(0, leg.run - 1),
      uptimeSeconds: leg.liveSince !== null ? Math.max(0, nowMs - leg.liveSince) / 1000 : 0,
    });
  }
  const liveSince = pipeline.liveSince;
  return {
    eventId,
    inputs,
    failovers: pipeline.switches.failover,
    failbacks: pipeline.switches.failback,
    programBitrateBps: inputs.find((i) => i.onAir)?.bitrateBps ?? 0,
    programFrames: pipeline.program.publishedPackets,
    uptimeSeconds: liveSince !== null ? Math.max(0, nowMs - liveSince) / 1000 : 0,
    legs,
  };
}

/** Audio + video bitrate measured over the last ~5 s, bit/s (0 when nothing is measured yet). */
function bitrateOf(pipeline: EventPipeline, role: InputRole): number {
  const { video, audio } = pipeline.inputMedia(role);
  return ((video?.bitrateKbps ?? 0) + (audio?.bitrateKbps ?? 0)) * 1000;
}

function checkedId(id: string): string | null {
  try {
    return idLabel(id);
  } catch (error) {
    if (error instanceof UnsafeLabelValueError) return null;
    throw error;
  }
}

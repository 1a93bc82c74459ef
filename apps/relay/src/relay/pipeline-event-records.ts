import type { LegState } from '@relay/contracts';
import type { LegFailure, OutboundLegState, SlateEnd, SlateStart, SwitchDecision } from '@relay/media';

// How pipeline events read in the database: leg states, timeline details, status reasons (pure mappings).

/** `ms` since the epoch as an ISO 8601 time. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A leg's state as stored, from the state its supervisor reports. */
export const LEG_STATE: Record<OutboundLegState, LegState> = {
  idle: 'idle',
  connecting: 'connecting',
  live: 'live',
  stopping: 'idle',
  exited: 'retrying',
};

/** A switch's timeline entry type. */
export function switchEntryType(decision: SwitchDecision): 'failover' | 'failback' | 'program_resumed' {
  return decision.kind === 'failover'
    ? 'failover'
    : decision.kind === 'failback'
      ? 'failback'
      : 'program_resumed';
}

/** A switch's timeline detail: the decision and the signals it was taken on. */
export function switchDetail(decision: SwitchDecision) {
  return {
    from: decision.from,
    to: decision.to,
    reason: decision.reason,
    switchMs: decision.committedAt - decision.decidedAt,
    gapMs: decision.gapMs,
    replayedTags: decision.replayedTags,
    programTimestampMs: decision.programTimestamp,
    lostInputLastPacketAgeMs: decision.signals.lostInputLastPacketAgeMs,
    keyframeWaitMs: decision.signals.keyframeWaitMs,
    driftMs: decision.signals.driftMs,
    recentFailovers: decision.signals.recentFailovers,
    newInputFrames: decision.signals.newInputFrames,
    newInputBitrateKbps: decision.signals.newInputBitrateKbps,
    newInputFrameRate: decision.signals.newInputFrameRate,
    lostInputBitrateKbps: decision.signals.lostInputBitrateKbps,
    lostInputFrameRate: decision.signals.lostInputFrameRate,
    newInputBacklogMs: decision.signals.newInputBacklogMs,
    skippedMs: decision.signals.skippedMs,
  };
}

/** A `slate_started` entry's detail: why, until when, and the slate's parameters. */
export function slateStartedDetail(start: SlateStart) {
  const p = start.params;
  return {
    reason: start.reason,
    since: iso(start.since),
    endsAt: iso(start.endsAt),
    width: p.width,
    height: p.height,
    frameRate: Math.round((p.frameRateNum / p.frameRateDen) * 1000) / 1000,
    profile: p.profile,
    level: p.level,
    sampleRate: p.sampleRate,
    channels: p.channels,
    encodeMs: start.encodeMs,
    onAirAfterMs: start.onAirAfterMs,
  };
}

/** A `slate_ended` entry's detail. */
export function slateEndedDetail(end: SlateEnd) {
  return {
    cause: end.cause,
    reason: end.reason,
    input: end.input,
    onSlateMs: end.endedAt - end.since,
    wasOnAir: end.wasOnAir,
    legsClosed: end.legsClosed,
  };
}

/**
 * The status reason once the slate ended without the event ending (a timeout ends it): stopped, the API
 * has set the reason (undefined: unchanged); input-returned, nothing left to explain (null).
 */
export function statusReasonAfterSlate(
  cause: Exclude<SlateEnd['cause'], 'timeout'>,
  reason: string,
): string | null | undefined {
  return {
    stopped: undefined,
    'input-returned': null,
    disabled: `no input on air: ${reason}`,
    failed: `no input on air: ${reason}`,
  }[cause];
}

/** The event's status reason while on the slate, in plain words. */
export function slateReason(start: SlateStart): string {
  return `on the slate: ${start.reason}; the legs close at ${iso(start.endsAt)} unless an input comes back`;
}

/** A `leg_failed` entry's detail: the failure, its attempt number and the delay before the restart (ms). */
export function legFailedDetail(failure: LegFailure, attempt: number, retryInMs: number) {
  return { reason: failure.message, kind: failure.kind, attempt, retryInMs };
}

/** A `leg_gave_up` entry's detail. */
export function legGaveUpDetail(failure: LegFailure, failures: number, legRun: number) {
  return { reason: failure.message, kind: failure.kind, failures, legRun };
}

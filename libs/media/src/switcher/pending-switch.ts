import type { InputRole } from '../ingest/ingest-types';
import type { BacklogSkip } from './backlog-guard';
import type { SwitchPlacement } from './program-timeline';
import type { InputRates, SwitchDecision, SwitchKind } from './switcher-types';

/** A switch decided but not yet on air (it may wait for the new input's next keyframe). */
export interface PendingSwitch {
  readonly to: InputRole;
  readonly kind: SwitchKind;
  readonly reason: string;
  /** Wall clock (ms) when decided. */
  readonly decidedAt: number;
  /** Age (ms) of the lost input's last media frame when decided; null for a planned switch. */
  readonly lostAgeMs: number | null;
  /** The lost input's rates when decided; absent for a planned switch. */
  readonly lostRates?: InputRates | null;
  /** Planned (failback, resume): never committed at a keyframe of a backlog the input is draining. */
  readonly planned: boolean;
}

/** What was true when a switch went on air, besides the pending switch itself. Times in ms. */
export interface OnAirFacts {
  readonly from: InputRole | null;
  /** Wall clock when the new input's first tag went out. */
  readonly now: number;
  readonly placement: SwitchPlacement;
  readonly replayedTags: number;
  /** Input media time dropped to reach the input's live edge (a {@link BacklogSkip}), else 0. */
  readonly skippedMs: number;
  readonly recentFailovers: number;
  readonly newInputFrames: number;
  readonly newInputRates: InputRates | null;
  readonly newInputBacklogMs: number;
}

/** The switch decision reported to the listener for `pending` once on air. */
export function switchDecision(pending: PendingSwitch, facts: OnAirFacts): SwitchDecision {
  return {
    kind: pending.kind,
    from: facts.from,
    to: pending.to,
    reason: pending.reason,
    decidedAt: pending.decidedAt,
    committedAt: facts.now,
    programTimestamp: facts.placement.start,
    gapMs: facts.placement.gapMs,
    replayedTags: facts.replayedTags,
    signals: {
      lostInputLastPacketAgeMs: pending.lostAgeMs,
      keyframeWaitMs: facts.now - pending.decidedAt,
      driftMs: facts.placement.driftMs,
      recentFailovers: facts.recentFailovers,
      newInputFrames: facts.newInputFrames,
      newInputBitrateKbps: facts.newInputRates?.bitrateKbps ?? null,
      newInputFrameRate: facts.newInputRates?.frameRate ?? null,
      lostInputBitrateKbps: pending.lostRates?.bitrateKbps ?? null,
      lostInputFrameRate: pending.lostRates?.frameRate ?? null,
      newInputBacklogMs: Math.round(facts.newInputBacklogMs),
      skippedMs: facts.skippedMs,
    },
  };
}

/**
 * The on-air input `role` placed again at its live edge after `skip`: reported as a `resume` of the
 * same input, decided when its media first ran too far ahead.
 */
export function liveEdgeResume(role: InputRole, skip: BacklogSkip): PendingSwitch {
  return {
    to: role,
    kind: 'resume',
    reason:
      `${role} ran ${skip.aheadMs} ms ahead of the wall clock: ` +
      `skipped ${skip.skippedMs} ms of its backlog to its live edge`,
    decidedAt: skip.since,
    lostAgeMs: null,
    planned: false,
  };
}

/** A planned switch (a start, a resume or a failback) to `to`, decided at wall clock `decidedAt` (ms). */
export function plannedSwitch(
  to: InputRole,
  kind: SwitchKind,
  reason: string,
  decidedAt: number,
): PendingSwitch {
  return { to, kind, reason, decidedAt, lostAgeMs: null, planned: true };
}

import type { RehearsalJson } from '@relay/contracts';
import type { Rehearsal } from '@relay/prisma';

type LegJson = RehearsalJson['legs'][number];

function isLeg(value: unknown): value is LegJson {
  const v = value as Partial<LegJson> | null;
  return (
    typeof v?.destinationId === 'string' &&
    typeof v.stayedConnected === 'boolean' &&
    typeof v.bytesDuringSwitch === 'number'
  );
}

/** Renders a rehearsal as the REST API v1 rehearsal JSON. */
export function presentRehearsal(r: Rehearsal): RehearsalJson {
  return {
    id: r.id,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt ? r.endedAt.toISOString() : null,
    durationMs: r.durationMs,
    verdict: r.verdict,
    detectionMs: r.detectionMs,
    switchGapMs: r.switchGapMs,
    failbackGapMs: r.failbackGapMs,
    legReconnects: r.legReconnects,
    legs: Array.isArray(r.legs) ? r.legs.filter(isLeg) : [],
    reasons: r.reasons,
  };
}

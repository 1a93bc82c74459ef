import { LEG_POLICY_LIMITS, type DestinationJson, type LegPolicyJson } from '@relay/contracts';
import type { Destination } from '@relay/prisma';
import type { LegPolicyDto } from './dto/leg-policy.dto';

/** The event columns that hold its destinations' default leg policy. */
export interface EventLegPolicyColumns {
  legMaxBackoffMs: number;
  legGiveUpAfterFailures: number;
  legGiveUpWindowMs: number;
}

/** The destination columns that override the event's leg policy (null: the event's value). */
export interface DestinationLegPolicyColumns {
  maxBackoffMs: number | null;
  giveUpAfterFailures: number | null;
  giveUpWindowMs: number | null;
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Event columns for the fields present in `dto`; with `withDefaults`, every column (a new event). */
export function eventLegPolicyColumns(
  dto: LegPolicyDto | undefined,
  withDefaults: boolean,
): Partial<EventLegPolicyColumns> {
  const pick = (value: number | null | undefined, fallback: number): number | undefined =>
    value ?? (withDefaults ? fallback : undefined);
  return defined({
    legMaxBackoffMs: pick(dto?.maxBackoffMs, LEG_POLICY_LIMITS.maxBackoffMs.default),
    legGiveUpAfterFailures: pick(dto?.giveUpAfterFailures, LEG_POLICY_LIMITS.giveUpAfterFailures.default),
    legGiveUpWindowMs: pick(dto?.giveUpWindowMs, LEG_POLICY_LIMITS.giveUpWindowMs.default),
  });
}

/** Destination override columns for the fields present in `dto` (null: back to the event's value). */
export function destinationLegPolicyColumns(
  dto: LegPolicyDto | undefined,
): Partial<DestinationLegPolicyColumns> {
  return defined({
    maxBackoffMs: dto?.maxBackoffMs,
    giveUpAfterFailures: dto?.giveUpAfterFailures,
    giveUpWindowMs: dto?.giveUpWindowMs,
  });
}

/** The event's `legPolicy` object. */
export function presentEventLegPolicy(event: EventLegPolicyColumns): LegPolicyJson {
  return {
    maxBackoffMs: event.legMaxBackoffMs,
    giveUpAfterFailures: event.legGiveUpAfterFailures,
    giveUpWindowMs: event.legGiveUpWindowMs,
  };
}

/** A destination as the REST API v1 shows it; its `legPolicy` is the one in force (overrides, else the event's). */
export function presentDestination(d: Destination, event: EventLegPolicyColumns): DestinationJson {
  return {
    id: d.id,
    name: d.name,
    url: d.url,
    // The key is stored encrypted; its last 4 characters (none for keys of 8 or fewer) are shown.
    streamKeyMasked: d.streamKeyCipher || d.streamKey ? `********${d.streamKeyHint ?? ''}` : null,
    passphraseMasked: d.passphraseCipher ? '********' : null,
    state: d.state,
    restarts: d.restarts,
    lastError: d.lastError,
    legPolicy: {
      maxBackoffMs: d.maxBackoffMs ?? event.legMaxBackoffMs,
      giveUpAfterFailures: d.giveUpAfterFailures ?? event.legGiveUpAfterFailures,
      giveUpWindowMs: d.giveUpWindowMs ?? event.legGiveUpWindowMs,
    },
  };
}

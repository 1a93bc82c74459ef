import {
  FAILOVER_LIMITS,
  type FailoverMode,
  type FailoverSettingsJson,
  type SwitchAt,
} from '@relay/contracts';
import type { Prisma } from '@relay/prisma';
import type { FailoverSettingsDto } from './dto/failover-settings.dto';

/** The event columns that hold the failover settings. */
export type FailoverColumns = Pick<
  Prisma.EventUncheckedCreateInput,
  | 'failoverMode'
  | 'stallTimeoutMs'
  | 'failbackAfterMs'
  | 'switchAt'
  | 'slateTimeoutMs'
  | 'flapMaxFailovers'
  | 'flapWindowMs'
  | 'flapStableMs'
  | 'detectFrozenTimestamps'
>;

interface StoredFailover {
  failoverMode: 'primary_preferred' | 'sticky';
  stallTimeoutMs: number;
  failbackAfterMs: number;
  switchAt: 'cached_keyframe' | 'next_keyframe';
  slateTimeoutMs: number;
  flapMaxFailovers: number;
  flapWindowMs: number;
  flapStableMs: number;
  detectFrozenTimestamps: boolean;
}

const toDbMode = (mode: FailoverMode) => (mode === 'primary-preferred' ? 'primary_preferred' : 'sticky');
const toDbSwitchAt = (at: SwitchAt) => (at === 'cached-keyframe' ? 'cached_keyframe' : 'next_keyframe');

/** Columns for the fields present in `dto`; with `withDefaults`, every column (for a new event). */
export function failoverColumns(
  dto: FailoverSettingsDto | undefined,
  withDefaults: boolean,
): Partial<FailoverColumns> {
  const d = withDefaults;
  const pick = <T>(value: T | undefined, fallback: T): T | undefined => value ?? (d ? fallback : undefined);
  const columns: Partial<FailoverColumns> = {
    failoverMode: dto?.mode ? toDbMode(dto.mode) : d ? 'primary_preferred' : undefined,
    stallTimeoutMs: pick(dto?.stallTimeoutMs, FAILOVER_LIMITS.stallTimeoutMs.default),
    failbackAfterMs: pick(dto?.failbackAfterMs, FAILOVER_LIMITS.failbackAfterMs.default),
    switchAt: dto?.switchAt ? toDbSwitchAt(dto.switchAt) : d ? 'cached_keyframe' : undefined,
    slateTimeoutMs: pick(dto?.slateTimeoutMs, FAILOVER_LIMITS.slateTimeoutMs.default),
    flapMaxFailovers: pick(dto?.flapDamping?.maxFailovers, FAILOVER_LIMITS.flapMaxFailovers.default),
    flapWindowMs: pick(dto?.flapDamping?.windowMs, FAILOVER_LIMITS.flapWindowMs.default),
    flapStableMs: pick(dto?.flapDamping?.stableMs, FAILOVER_LIMITS.flapStableMs.default),
    detectFrozenTimestamps: pick(dto?.detectFrozenTimestamps, false),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

/** The `failover` object of the event JSON. */
export function presentFailover(event: StoredFailover): FailoverSettingsJson {
  return {
    mode: event.failoverMode === 'primary_preferred' ? 'primary-preferred' : 'sticky',
    stallTimeoutMs: event.stallTimeoutMs,
    failbackAfterMs: event.failbackAfterMs,
    switchAt: event.switchAt === 'cached_keyframe' ? 'cached-keyframe' : 'next-keyframe',
    slateTimeoutMs: event.slateTimeoutMs,
    flapDamping: {
      maxFailovers: event.flapMaxFailovers,
      windowMs: event.flapWindowMs,
      stableMs: event.flapStableMs,
    },
    detectFrozenTimestamps: event.detectFrozenTimestamps,
  };
}

import type { InputRole } from '../ingest/ingest-types';
import type { InputFeed } from './input-feed';
import type { SwitchKind, SwitcherSettings } from './switcher-types';

/**
 * Before anything was on air, a connected primary that has not sent media yet gets this long (ms) to
 * do so before the backup goes on air alone, so the show starts on the primary without a needless
 * failback a few seconds later.
 */
export const INITIAL_PRIMARY_GRACE_MS = 3000;

/** The other input of the pair. */
export const otherInput = (role: InputRole): InputRole => (role === 'primary' ? 'backup' : 'primary');

/**
 * The input to put on air when none is: the preferred one (the primary, or in `sticky` mode the input
 * last on air) if ready for air (live and not draining a backlog), even if that means waiting for its
 * next keyframe; at the start of a show (`lastOnAir` null), a primary that connected less than
 * INITIAL_PRIMARY_GRACE_MS before `now` (wall clock, ms) but has no media yet is waited for (null).
 */
export function pickCandidate(
  feeds: Readonly<Record<InputRole, InputFeed>>,
  mode: SwitcherSettings['mode'],
  lastOnAir: InputRole | null,
  now: number,
): InputFeed | null {
  const { primary, backup } = feeds;
  const preferred = mode === 'sticky' && lastOnAir === 'backup' ? backup : primary;
  const second = preferred === primary ? backup : primary;
  if (preferred.readyForAir) return preferred;
  const waitForPrimary =
    lastOnAir === null &&
    preferred === primary &&
    primary.connectedAt !== null &&
    now - primary.connectedAt < INITIAL_PRIMARY_GRACE_MS;
  if (waitForPrimary) return null;
  return second.readyForAir ? second : null;
}

/** The kind of a switch to `to` after `lastOnAir` (null: nothing was on air yet this show). */
export function switchKind(lastOnAir: InputRole | null, to: InputRole): SwitchKind {
  if (lastOnAir === null || lastOnAir === to) return 'resume';
  return to === 'backup' ? 'failover' : 'failback';
}

/**
 * The failback rule (`primary-preferred` mode, backup on air, no damping): the reason to go back to
 * `primary` at `now` (ms) once it has been live and paced for `failbackAfterMs`, else null.
 */
export function failbackReason(primary: InputFeed, failbackAfterMs: number, now: number): string | null {
  if (primary.state !== 'live' || primary.healthySince === null) return null;
  const healthyMs = now - primary.healthySince;
  return healthyMs >= failbackAfterMs ? `primary healthy for ${healthyMs} ms` : null;
}

import { PLAN_LIMITS, type PlanLimits } from '@relay/contracts';
import type { BillingPlan } from '@relay/prisma';

/** A limit of {@link PlanLimits} by name, as error details name it. */
export type PlanLimitName = keyof PlanLimits;

/** Plans from the lowest to the highest; a paid plan comes from an active Stripe subscription. */
export const PLAN_ORDER: readonly BillingPlan[] = ['free', 'creator', 'pro'];

export const PLANS = PLAN_LIMITS;
export type { PlanLimits };

/** Plain words for each limit, for error messages. */
export const LIMIT_WORDS: Readonly<Record<PlanLimitName, string>> = {
  liveEvents: 'events on air at once',
  destinationsPerEvent: 'destinations per event',
  backupIngest: 'backup ingest',
};

/** The lowest plan above `current` whose `limit` allows `needed` (true for a boolean limit), or null. */
export function planLifting(
  current: BillingPlan,
  limit: PlanLimitName,
  needed: number | true,
): BillingPlan | null {
  for (const plan of PLAN_ORDER.slice(PLAN_ORDER.indexOf(current) + 1)) {
    const allowed = PLANS[plan][limit];
    if (needed === true ? allowed === true : typeof allowed === 'number' && allowed >= needed) return plan;
  }
  return null;
}

/** The higher of two plans. */
export function higherPlan(a: BillingPlan, b: BillingPlan): BillingPlan {
  return PLAN_ORDER.indexOf(a) >= PLAN_ORDER.indexOf(b) ? a : b;
}

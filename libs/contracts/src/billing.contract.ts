/** Billing plans, from the lowest to the highest (README "Billing"). */
export type BillingPlanName = 'free' | 'creator' | 'pro';

/** What a plan allows. */
export interface PlanLimits {
  /** Events on air (standby or live) at once. */
  readonly liveEvents: number;
  /** Destinations of one event. */
  readonly destinationsPerEvent: number;
  /** Whether the relay accepts the backup encoder's publish (the API and the relay both read this). */
  readonly backupIngest: boolean;
}

/** The limits of each plan; the API enforces the counts, the relay the backup ingest. */
export const PLAN_LIMITS: Readonly<Record<BillingPlanName, PlanLimits>> = {
  free: { liveEvents: 1, destinationsPerEvent: 2, backupIngest: false },
  creator: { liveEvents: 2, destinationsPerEvent: 5, backupIngest: true },
  pro: { liveEvents: 10, destinationsPerEvent: 20, backupIngest: true },
};

/** Stripe subscription statuses in which the subscription's plan applies (past_due: Stripe still retries). */
export const PAID_SUBSCRIPTION_STATUSES: readonly string[] = ['active', 'trialing', 'past_due'];

/**
 * `detail.reason` of an `ingest_refused` timeline entry: why a publish with a right stream key was refused.
 * `plan_has_no_backup_ingest`: the backup encoder published on a plan without backup ingest (free); such a
 * refusal never slows the publisher's address down as wrong keys do.
 */
export type IngestRefusalReason = 'plan_has_no_backup_ingest';

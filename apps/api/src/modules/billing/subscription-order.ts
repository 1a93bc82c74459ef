import type Stripe from 'stripe';

/**
 * Rank of a subscription status among events Stripe created in the same second: later states of the
 * lifecycle rank higher (incomplete → active → past_due → canceled), and a deletion ranks highest.
 */
const STATUS_RANK: Readonly<Record<Stripe.Subscription.Status, number>> = {
  incomplete: 0,
  incomplete_expired: 1,
  trialing: 2,
  active: 3,
  past_due: 4,
  unpaid: 5,
  paused: 6,
  canceled: 8,
};

/** Statuses in which the subscription's plan applies (past_due: Stripe is still retrying the payment). */
export const PAID_STATUSES: readonly Stripe.Subscription.Status[] = ['active', 'trialing', 'past_due'];

/**
 * Order of a subscription event: Stripe's `created` (s) × 10 + the status rank. An event is applied only
 * if its key is above the stored one, so any delivery order of the same events ends in the same state
 * (Stripe does not guarantee order: "Event ordering", docs.stripe.com/webhooks). Ties (same second, same
 * status) keep the first applied.
 *
 * @param created Stripe event `created`, seconds since the epoch
 * @param deleted whether the event is `customer.subscription.deleted` (final: ranks above every status)
 */
export function subscriptionOrderKey(
  created: number,
  status: Stripe.Subscription.Status,
  deleted: boolean,
): bigint {
  return BigInt(created) * 10n + BigInt(deleted ? 9 : (STATUS_RANK[status] ?? 0));
}

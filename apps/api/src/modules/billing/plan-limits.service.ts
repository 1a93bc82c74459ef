import { Inject, Injectable } from '@nestjs/common';
import type { BillingPlan } from '@relay/prisma';
import type Stripe from 'stripe';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { BillingRepository } from './billing.repository';
import { higherPlan, LIMIT_WORDS, type PlanLimitName, planLifting, PLANS } from './plans';
import { STRIPE_CLIENT } from './stripe-client';
import { PAID_STATUSES } from './subscription-order';

/**
 * Plan limits, checked by the events and destinations services before they change anything. Billing off
 * (no STRIPE_SECRET_KEY): no limits. The checks count, then act: two requests at the same instant may both
 * pass (a race accepted for now).
 */
@Injectable()
export class PlanLimitsService {
  constructor(
    private readonly billing: BillingRepository,
    @Inject(STRIPE_CLIENT) private readonly stripe: Stripe | null,
  ) {}

  get enabled(): boolean {
    return this.stripe !== null;
  }

  /** The organization's plan: the highest of its paid subscriptions, else free. */
  async planOf(organizationId: string): Promise<BillingPlan> {
    const plans = await this.billing.subscriptionPlans(organizationId, PAID_STATUSES);
    return plans.reduce<BillingPlan>(higherPlan, 'free');
  }

  /** @throws ApiError plan_limit_reached (402) when starting `eventId` exceeds the events on air allowed. */
  async assertCanStartEvent(organizationId: string, eventId: string): Promise<void> {
    if (!this.enabled) return;
    const plan = await this.planOf(organizationId);
    const onAir = await this.billing.countEventsOnAir(organizationId, eventId);
    if (onAir + 1 > PLANS[plan].liveEvents) throw this.limitError(plan, 'liveEvents', onAir + 1);
  }

  /** @throws ApiError plan_limit_reached (402) when one more destination exceeds the event's allowance. */
  async assertCanAddDestination(organizationId: string, eventId: string): Promise<void> {
    if (!this.enabled) return;
    const plan = await this.planOf(organizationId);
    const count = await this.billing.countDestinations(eventId);
    if (count + 1 > PLANS[plan].destinationsPerEvent)
      throw this.limitError(plan, 'destinationsPerEvent', count + 1);
  }

  /** Whether the organization's backup ingest is given out and accepted (always, with billing off). */
  async backupIngestAllowed(organizationId: string): Promise<boolean> {
    return !this.enabled || PLANS[await this.planOf(organizationId)].backupIngest;
  }

  private limitError(plan: BillingPlan, limit: PlanLimitName, needed: number | true): ApiError {
    const allowed = PLANS[plan][limit];
    const lifting = planLifting(plan, limit, needed);
    const message =
      `The ${plan} plan allows ${String(allowed)} ${LIMIT_WORDS[limit]}` +
      (lifting
        ? `; the ${lifting} plan allows ${String(PLANS[lifting][limit])}: upgrade with POST /v1/billing/checkout-session`
        : '; no plan allows more');
    return new ApiError(ApiErrorCode.PlanLimitReached, message, [
      { field: limit, rule: lifting ? `upgrade:${lifting}` : 'max', message },
    ]);
  }
}

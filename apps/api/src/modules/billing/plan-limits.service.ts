import { Inject, Injectable } from '@nestjs/common';
import type { BillingPlan } from '@relay/prisma';
import type Stripe from 'stripe';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { BillingRepository, type TransactionClient } from './billing.repository';
import { higherPlan, LIMIT_WORDS, type PlanLimitName, planLifting, PLANS } from './plans';
import { STRIPE_CLIENT } from './stripe-client';
import { PAID_STATUSES } from './subscription-order';

/**
 * Plan limits, checked by the events and destinations services around the write they guard. Billing off
 * (no STRIPE_SECRET_KEY): no limits. Each check and its write are one PostgreSQL transaction holding the
 * organization's row lock, so two requests at the same instant are counted one after the other.
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
  async planOf(organizationId: string, tx?: TransactionClient): Promise<BillingPlan> {
    const plans = await this.billing.subscriptionPlans(organizationId, PAID_STATUSES, tx);
    return plans.reduce<BillingPlan>(higherPlan, 'free');
  }

  /**
   * Runs `start` (the write that puts `eventId` on air) when the plan allows one more event on air, in the
   * same transaction as the count, serialized per organization ({@link BillingRepository.inOrganizationLock}).
   *
   * @throws ApiError plan_limit_reached (402) when starting `eventId` exceeds the events on air allowed
   */
  async startEventWithinLimit<T>(
    organizationId: string,
    eventId: string,
    start: (tx: TransactionClient) => Promise<T>,
  ): Promise<T> {
    return this.withinLimit(
      organizationId,
      'liveEvents',
      (tx) => this.billing.countEventsOnAir(organizationId, eventId, tx),
      start,
    );
  }

  /**
   * Runs `add` (the insert of one destination of `eventId`) when the plan allows one more destination on the
   * event, in the same transaction as the count, serialized per organization.
   *
   * @throws ApiError plan_limit_reached (402) when one more destination exceeds the event's allowance
   */
  async addDestinationWithinLimit<T>(
    organizationId: string,
    eventId: string,
    add: (tx: TransactionClient) => Promise<T>,
  ): Promise<T> {
    return this.withinLimit(
      organizationId,
      'destinationsPerEvent',
      (tx) => this.billing.countDestinations(eventId, tx),
      add,
    );
  }

  /** Whether the organization's backup ingest is given out and accepted (always, with billing off). */
  async backupIngestAllowed(organizationId: string): Promise<boolean> {
    return !this.enabled || PLANS[await this.planOf(organizationId)].backupIngest;
  }

  /**
   * Runs `write` when the organization's plan allows one more of `limit` than `count(tx)` finds (always,
   * with billing off): the count and the write in one transaction under the organization's row lock.
   */
  private withinLimit<T>(
    organizationId: string,
    limit: 'liveEvents' | 'destinationsPerEvent',
    count: (tx: TransactionClient) => Promise<number>,
    write: (tx: TransactionClient) => Promise<T>,
  ): Promise<T> {
    return this.billing.inOrganizationLock(organizationId, async (tx) => {
      if (this.enabled) {
        const plan = await this.planOf(organizationId, tx);
        const needed = (await count(tx)) + 1;
        if (needed > PLANS[plan][limit]) throw this.limitError(plan, limit, needed);
      }
      return write(tx);
    });
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

import { Inject, Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import type { BillingPlan } from '@relay/prisma';
import type Stripe from 'stripe';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { BillingRepository } from './billing.repository';
import { PlanLimitsService } from './plan-limits.service';
import { type PlanLimits, PLANS } from './plans';
import { STRIPE_CLIENT } from './stripe-client';

/** What GET /v1/billing answers. */
export interface BillingStatusJson {
  plan: BillingPlan;
  limits: PlanLimits;
  stripeCustomerId: string | null;
}

/** Checkout and customer portal sessions of Stripe, and the organization's plan. */
@Injectable()
export class BillingService {
  private readonly prices: Partial<Record<BillingPlan, string>>;

  constructor(
    private readonly billing: BillingRepository,
    private readonly limits: PlanLimitsService,
    @Inject(STRIPE_CLIENT) private readonly stripe: Stripe | null,
    env: EnvironmentVariables,
  ) {
    this.prices = {
      ...(env.STRIPE_PRICE_CREATOR ? { creator: env.STRIPE_PRICE_CREATOR } : {}),
      ...(env.STRIPE_PRICE_PRO ? { pro: env.STRIPE_PRICE_PRO } : {}),
    };
  }

  async status(organizationId: string): Promise<BillingStatusJson> {
    const plan = await this.limits.planOf(organizationId);
    return { plan, limits: PLANS[plan], stripeCustomerId: await this.billing.findCustomerId(organizationId) };
  }

  /**
   * A Stripe Checkout session subscribing the organization to `plan`; the subscription carries the
   * organization's id in its metadata, which the webhook uses to apply it.
   */
  async checkout(
    organizationId: string,
    plan: BillingPlan,
    successUrl: string,
    cancelUrl: string,
  ): Promise<{ id: string; url: string }> {
    const stripe = this.client();
    const price = this.prices[plan];
    if (!price) {
      throw new ApiError(ApiErrorCode.ValidationFailed, `Plan ${plan} cannot be bought here`, [
        {
          field: 'plan',
          rule: 'isIn',
          message: `plan must be one of ${Object.keys(this.prices).join(', ')}`,
        },
      ]);
    }
    const customer = await this.ensureCustomer(organizationId);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: organizationId,
      line_items: [{ price, quantity: 1 }],
      subscription_data: { metadata: { organizationId } },
      success_url: successUrl,
      cancel_url: cancelUrl,
    });
    return { id: session.id, url: session.url ?? '' };
  }

  /** A Stripe customer portal session; 409 before the organization's first checkout. */
  async portal(organizationId: string, returnUrl: string): Promise<{ id: string; url: string }> {
    const stripe = this.client();
    const customer = await this.billing.findCustomerId(organizationId);
    if (!customer) {
      throw new ApiError(
        ApiErrorCode.Conflict,
        'No Stripe customer yet: subscribe first with POST /v1/billing/checkout-session',
      );
    }
    const session = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl });
    return { id: session.id, url: session.url };
  }

  /** The organization's Stripe customer, created once (Stripe's idempotency key covers a retried create). */
  private async ensureCustomer(organizationId: string): Promise<string> {
    const existing = await this.billing.findCustomerId(organizationId);
    if (existing) return existing;
    const customer = await this.client().customers.create(
      { metadata: { organizationId } },
      { idempotencyKey: `customer:${organizationId}` },
    );
    return this.billing.saveCustomer(organizationId, customer.id);
  }

  private client(): Stripe {
    if (!this.stripe) throw ApiError.notFound('Billing (not configured: STRIPE_SECRET_KEY)');
    return this.stripe;
  }
}

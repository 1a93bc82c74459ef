import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import type { BillingPlan } from '@relay/prisma';
import {
  addJobWithin,
  BILLING_JOB_OPTIONS,
  BillingJob,
  BillingQueueName,
  type StripeEventPayload,
} from '@relay/queue';
import type { Queue } from 'bullmq';
import type Stripe from 'stripe';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { BillingRepository } from './billing.repository';
import { STRIPE_CLIENT } from './stripe-client';
import { subscriptionOrderKey } from './subscription-order';

const SUBSCRIPTION_EVENTS = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
]);

/**
 * Stripe webhooks: a delivery is verified, stored and queued, and answered at once; the queue's worker
 * applies it. Redelivery and out-of-order delivery end in the same state.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger('StripeWebhook');
  private readonly pricePlans = new Map<string, BillingPlan>();

  constructor(
    private readonly billing: BillingRepository,
    @Inject(STRIPE_CLIENT) private readonly stripe: Stripe | null,
    @InjectQueue(BillingQueueName.StripeEvents) private readonly queue: Queue<StripeEventPayload>,
    private readonly env: EnvironmentVariables,
  ) {
    if (env.STRIPE_PRICE_CREATOR) this.pricePlans.set(env.STRIPE_PRICE_CREATOR, 'creator');
    if (env.STRIPE_PRICE_PRO) this.pricePlans.set(env.STRIPE_PRICE_PRO, 'pro');
  }

  /**
   * Verifies `Stripe-Signature` over the raw body, stores the event (its id is the primary key) and queues
   * it. A redelivered event is queued again only if it was never processed (jobId = event id, so BullMQ
   * keeps one job).
   *
   * @throws ApiError validation_failed (400) for a missing or forged signature: nothing is stored.
   */
  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<{ duplicate: boolean }> {
    if (!this.stripe || !this.env.STRIPE_WEBHOOK_SECRET) throw ApiError.notFound('Billing');
    let event: Stripe.Event;
    try {
      if (!rawBody || !signature) throw new Error('missing body or Stripe-Signature header');
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.env.STRIPE_WEBHOOK_SECRET);
    } catch {
      throw new ApiError(ApiErrorCode.ValidationFailed, 'Stripe-Signature does not match the body', [
        { field: 'stripe-signature', rule: 'signature', message: 'Stripe-Signature does not match the body' },
      ]);
    }
    const inserted = await this.billing.insertStripeEvent({
      id: event.id,
      type: event.type,
      created: event.created,
      payload: event,
    });
    if (!inserted && (await this.billing.findStripeEvent(event.id))?.processedAt) return { duplicate: true };
    await addJobWithin(
      this.queue,
      BillingJob.ApplyStripeEvent,
      { stripeEventId: event.id },
      {
        ...BILLING_JOB_OPTIONS,
        jobId: `stripe-${event.id}`,
      },
    );
    return { duplicate: !inserted };
  }

  /** Applies a stored event (the worker's job): subscription events set the organization's plan. */
  async apply(stripeEventId: string): Promise<void> {
    const stored = await this.billing.findStripeEvent(stripeEventId);
    if (!stored || stored.processedAt) return;
    const event = stored.payload as Stripe.Event;
    if (SUBSCRIPTION_EVENTS.has(event.type)) {
      await this.applySubscription(
        event.id,
        event.created,
        event.data.object as Stripe.Subscription,
        event.type === 'customer.subscription.deleted',
      );
    }
    await this.billing.markStripeEventProcessed(stripeEventId);
  }

  private async applySubscription(
    eventId: string,
    created: number,
    subscription: Stripe.Subscription,
    deleted: boolean,
  ): Promise<void> {
    const customerId =
      typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
    const organizationId = await this.organizationOf(subscription.metadata?.organizationId, customerId);
    if (!organizationId) {
      this.logger.warn(
        `Stripe event ${eventId}: subscription ${subscription.id} of no known organization, ignored`,
      );
      return;
    }
    const priceId = subscription.items?.data[0]?.price?.id ?? null;
    const status: Stripe.Subscription.Status = deleted ? 'canceled' : subscription.status;
    const applied = await this.billing.upsertSubscriptionIfNewer({
      id: subscription.id,
      organizationId,
      status,
      priceId,
      plan: (priceId && this.pricePlans.get(priceId)) || 'free',
      orderKey: subscriptionOrderKey(created, status, deleted),
      lastEventId: eventId,
    });
    if (!applied)
      this.logger.log(`Stripe event ${eventId} is older than the state of ${subscription.id}: ignored`);
  }

  private async organizationOf(fromMetadata: string | undefined, customerId: string): Promise<string | null> {
    if (
      fromMetadata &&
      /^[0-9a-f-]{36}$/i.test(fromMetadata) &&
      (await this.billing.organizationExists(fromMetadata))
    )
      return fromMetadata;
    return this.billing.findOrganizationByCustomer(customerId);
  }
}

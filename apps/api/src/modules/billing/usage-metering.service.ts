import { Inject, Injectable, Logger } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import type Stripe from 'stripe';
import { STRIPE_CLIENT } from './stripe-client';
import { UsageRepository } from './usage.repository';

/**
 * Usage metering: once per window, destination-minutes on air of each organization with a Stripe customer
 * go to Stripe as a meter event: each leg's time on air within the window, integrated from the timeline
 * (see leg-airtime.ts), in whole minutes with the seconds left carried to the organization's next window.
 * The value is fixed when the window is first counted and the meter event's
 * `identifier` (also its request's Idempotency-Key, so a retry gets the first answer back) is the same on
 * every attempt, so Stripe counts a window once however often the job runs.
 */
@Injectable()
export class UsageMeteringService {
  private readonly logger = new Logger('UsageMetering');

  constructor(
    private readonly usage: UsageRepository,
    @Inject(STRIPE_CLIENT) private readonly stripe: Stripe | null,
    private readonly env: EnvironmentVariables,
  ) {}

  /** Start of the window that ended last before `now` (ms since the epoch, window-aligned). */
  windowEndedBefore(now: number): Date {
    const size = this.env.BILLING_USAGE_WINDOW_MS;
    return new Date(Math.floor(now / size) * size - size);
  }

  /**
   * Counts the window starting at `windowStart` (if not counted yet) and sends every unsent window up to
   * it. Throws on the first failed send, for BullMQ to retry the job.
   */
  async report(windowStart: Date): Promise<number> {
    if (!this.stripe) return 0;
    await this.usage.countWindow(windowStart, this.env.BILLING_USAGE_WINDOW_MS);
    const pending = await this.usage.unsent(windowStart);
    for (const report of pending) {
      await this.stripe.billing.meterEvents.create(
        {
          event_name: this.env.STRIPE_METER_EVENT_NAME,
          identifier: report.identifier,
          timestamp: Math.floor(report.windowStart.getTime() / 1000),
          payload: { stripe_customer_id: report.stripeCustomerId, value: String(report.value) },
        },
        { idempotencyKey: report.identifier },
      );
      await this.usage.markSent(report.identifier);
    }
    if (pending.length > 0) this.logger.log(`Sent ${pending.length} usage report(s) to Stripe`);
    return pending.length;
  }
}

import { Injectable } from '@nestjs/common';
import { type BillingPlan, PrismaService, toDatabaseError } from '@relay/prisma';

/** A subscription state to store, if its order key is above the stored one. */
export interface SubscriptionWrite {
  id: string;
  organizationId: string;
  status: string;
  priceId: string | null;
  plan: BillingPlan;
  orderKey: bigint;
  lastEventId: string;
}

/** A Stripe event as received. */
export interface StoredStripeEvent {
  id: string;
  type: string;
  created: number;
  payload: unknown;
  processedAt: Date | null;
}

/** Billing state in PostgreSQL: customers, subscriptions, received Stripe events, usage reports. */
@Injectable()
export class BillingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores a received Stripe event; false when its id was already stored (the primary key decides, so two
   * concurrent deliveries cannot both insert).
   */
  async insertStripeEvent(event: {
    id: string;
    type: string;
    created: number;
    payload: object;
  }): Promise<boolean> {
    return this.run(async () => {
      const { count } = await this.prisma.stripeEvent.createMany({
        data: [{ ...event, payload: event.payload }],
        skipDuplicates: true,
      });
      return count === 1;
    });
  }

  async findStripeEvent(id: string): Promise<StoredStripeEvent | null> {
    return this.run(() => this.prisma.stripeEvent.findUnique({ where: { id } }));
  }

  async markStripeEventProcessed(id: string): Promise<void> {
    await this.run(() =>
      this.prisma.stripeEvent.update({ where: { id }, data: { processedAt: new Date() } }),
    );
  }

  /**
   * Writes the subscription unless the stored one came from a later event (higher order key), in one
   * statement, so two workers applying events of the same subscription cannot interleave.
   *
   * @returns whether the write was applied
   */
  async upsertSubscriptionIfNewer(s: SubscriptionWrite): Promise<boolean> {
    return this.run(async () => {
      const rows = await this.prisma.$executeRaw`
        INSERT INTO billing_subscriptions (id, organization_id, status, price_id, plan, order_key, last_event_id, updated_at)
        VALUES (${s.id}, ${s.organizationId}::uuid, ${s.status}, ${s.priceId}, ${s.plan}::billing_plan,
                ${s.orderKey}, ${s.lastEventId}, now())
        ON CONFLICT (id) DO UPDATE SET
          status = EXCLUDED.status, price_id = EXCLUDED.price_id, plan = EXCLUDED.plan,
          order_key = EXCLUDED.order_key, last_event_id = EXCLUDED.last_event_id, updated_at = now()
        WHERE billing_subscriptions.order_key < EXCLUDED.order_key`;
      return rows === 1;
    });
  }

  /** Plans of the organization's subscriptions whose status is one of `statuses`. */
  async subscriptionPlans(organizationId: string, statuses: readonly string[]): Promise<BillingPlan[]> {
    return this.run(async () =>
      (
        await this.prisma.billingSubscription.findMany({
          where: { organizationId, status: { in: [...statuses] } },
          select: { plan: true },
        })
      ).map((s) => s.plan),
    );
  }

  async findCustomerId(organizationId: string): Promise<string | null> {
    return this.run(
      async () =>
        (await this.prisma.billingCustomer.findUnique({ where: { organizationId } }))?.stripeCustomerId ??
        null,
    );
  }

  async findOrganizationByCustomer(stripeCustomerId: string): Promise<string | null> {
    return this.run(
      async () =>
        (await this.prisma.billingCustomer.findUnique({ where: { stripeCustomerId } }))?.organizationId ??
        null,
    );
  }

  /** Records the organization's Stripe customer; the first one recorded stays (returned). */
  async saveCustomer(organizationId: string, stripeCustomerId: string): Promise<string> {
    return this.run(async () => {
      await this.prisma.billingCustomer.createMany({
        data: [{ organizationId, stripeCustomerId }],
        skipDuplicates: true,
      });
      return (await this.prisma.billingCustomer.findUniqueOrThrow({ where: { organizationId } }))
        .stripeCustomerId;
    });
  }

  async organizationExists(id: string): Promise<boolean> {
    return this.run(async () => (await this.prisma.organization.count({ where: { id } })) === 1);
  }

  /** Events of the organization on air (standby or live), other than `exceptEventId`. */
  async countEventsOnAir(organizationId: string, exceptEventId: string): Promise<number> {
    return this.run(() =>
      this.prisma.event.count({
        where: { organizationId, status: { in: ['standby', 'live'] }, id: { not: exceptEventId } },
      }),
    );
  }

  async countDestinations(eventId: string): Promise<number> {
    return this.run(() => this.prisma.destination.count({ where: { eventId } }));
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

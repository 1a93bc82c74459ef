import { Injectable } from '@nestjs/common';
import { type BillingPlan, type Prisma, PrismaService, toDatabaseError } from '@relay/prisma';

/** A client inside a transaction, for repository methods that take part in one. */
export type TransactionClient = Prisma.TransactionClient;

/**
 * Longest wait for a pool connection to begin a limit transaction, and longest such transaction, ms.
 * Requests of one organization queue on its row lock, each holding its connection while it waits.
 */
const LIMIT_TRANSACTION = { maxWait: 5_000, timeout: 10_000 } as const;

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

  /**
   * Runs `body` in one transaction that first takes the organization's row lock (`SELECT … FOR NO KEY
   * UPDATE`; inserts referencing the row are not blocked): transactions of one organization run one after
   * the other, so a plan-limit count and the write it allows cannot interleave with another request's.
   * An error `body` throws rolls the transaction back and is rethrown as it is (e.g. a plan-limit
   * ApiError); the transaction's own failures are rethrown as DatabaseError.
   */
  async inOrganizationLock<T>(
    organizationId: string,
    body: (tx: TransactionClient) => Promise<T>,
  ): Promise<T> {
    let bodyError: unknown = undefined;
    try {
      return await this.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM organizations WHERE id = ${organizationId}::uuid FOR NO KEY UPDATE`;
        try {
          return await body(tx);
        } catch (error) {
          bodyError = error;
          throw error;
        }
      }, LIMIT_TRANSACTION);
    } catch (error) {
      if (bodyError !== undefined && error === bodyError) throw error;
      throw toDatabaseError(error);
    }
  }

  /** Plans of the organization's subscriptions whose status is one of `statuses`. */
  async subscriptionPlans(
    organizationId: string,
    statuses: readonly string[],
    db: TransactionClient = this.prisma,
  ): Promise<BillingPlan[]> {
    return this.run(async () =>
      (
        await db.billingSubscription.findMany({
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
  async countEventsOnAir(
    organizationId: string,
    exceptEventId: string,
    db: TransactionClient = this.prisma,
  ): Promise<number> {
    return this.run(() =>
      db.event.count({
        where: { organizationId, status: { in: ['standby', 'live'] }, id: { not: exceptEventId } },
      }),
    );
  }

  async countDestinations(eventId: string, db: TransactionClient = this.prisma): Promise<number> {
    return this.run(() => db.destination.count({ where: { eventId } }));
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

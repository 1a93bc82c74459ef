import { Injectable } from '@nestjs/common';
import { PrismaService, toDatabaseError } from '@relay/prisma';

/** A usage report to send: destination-minutes of one organization in one window. */
export interface PendingUsageReport {
  organizationId: string;
  stripeCustomerId: string;
  windowStart: Date;
  value: number;
  identifier: string;
}

/** Usage metering in PostgreSQL: counted windows and what was sent to Stripe. */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Counts the window once: for each organization with a Stripe customer and destinations on air now
   * (leg `live`, event on air), stores `windowMs / 60000 × live destinations` destination-minutes. A window
   * already counted keeps its stored value (ON CONFLICT DO NOTHING), so a retried job sends the same value.
   */
  async countWindow(windowStart: Date, windowMs: number): Promise<void> {
    const minutes = windowMs / 60_000;
    const key = windowStart.toISOString();
    await this.run(
      () => this.prisma.$executeRaw`
        INSERT INTO billing_usage_reports (organization_id, window_start, value, identifier)
        SELECT e.organization_id, (${key}::timestamptz AT TIME ZONE 'UTC'), CEIL(COUNT(*) * ${minutes}::float8)::int,
               'usage:' || e.organization_id || ':' || ${key}
        FROM destinations d
        JOIN events e ON e.id = d.event_id
        JOIN billing_customers c ON c.organization_id = e.organization_id
        WHERE d.state = 'live' AND e.status IN ('standby', 'live')
        GROUP BY e.organization_id
        ON CONFLICT DO NOTHING`,
    );
  }

  /** Counted windows not yet sent, up to and including `windowStart`, oldest first. */
  async unsent(windowStart: Date): Promise<PendingUsageReport[]> {
    return this.run(async () => {
      const rows = await this.prisma.billingUsageReport.findMany({
        where: { sentAt: null, windowStart: { lte: windowStart } },
        include: { organization: { select: { billingCustomer: { select: { stripeCustomerId: true } } } } },
        orderBy: { windowStart: 'asc' },
        take: 1000,
      });
      return rows.flatMap((r) => {
        const customer = r.organization.billingCustomer?.stripeCustomerId;
        return customer
          ? [
              {
                organizationId: r.organizationId,
                stripeCustomerId: customer,
                windowStart: r.windowStart,
                value: r.value,
                identifier: r.identifier,
              },
            ]
          : [];
      });
    });
  }

  async markSent(identifier: string): Promise<void> {
    await this.run(() =>
      this.prisma.billingUsageReport.update({ where: { identifier }, data: { sentAt: new Date() } }),
    );
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

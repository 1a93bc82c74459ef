import { Injectable } from '@nestjs/common';
import type { EventStatus } from '@relay/contracts';
import { PrismaService, type TimelineType, toDatabaseError } from '@relay/prisma';
import {
  ALL_DOWN_TYPES,
  type AirtimeMark,
  type AirtimeMarkType,
  billableMinutes,
  LEG_MARK_TYPES,
  legAirtimeMs,
  markOf,
} from './leg-airtime';

/** A usage report to send: destination-minutes of one organization in one window. */
export interface PendingUsageReport {
  organizationId: string;
  stripeCustomerId: string;
  windowStart: Date;
  value: number;
  identifier: string;
}

const ON_AIR: EventStatus[] = ['standby', 'live'];
const ALL_DOWN: TimelineType[] = [...ALL_DOWN_TYPES];
const MARK_TYPES: TimelineType[] = [...LEG_MARK_TYPES, ...ALL_DOWN];

/** Usage metering in PostgreSQL: counted windows and what was sent to Stripe. */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Counts the window once: for each organization with a Stripe customer, the time on air of each of its
   * legs within [windowStart, windowStart + windowMs), integrated from the timeline and the leg rows
   * ({@link legAirtimeMs}), summed in seconds and billed in whole destination-minutes with the rest
   * carried to its next window ({@link billableMinutes}). A window already counted keeps its stored value
   * (ON CONFLICT DO NOTHING), so a retried job sends the same value under the same identifier. A window
   * with nothing to bill is stored as sent (there is no meter event to send).
   */
  async countWindow(windowStart: Date, windowMs: number): Promise<void> {
    const window = { start: windowStart.getTime(), end: windowStart.getTime() + windowMs };
    const seconds = new Map<string, number>();
    for (const event of await this.meteredEvents(windowStart)) {
      const rows = new Map(
        event.destinations.map((d) => [
          d.id,
          { liveNow: d.state === 'live' && ON_AIR.includes(event.status), updatedAt: d.updatedAt.getTime() },
        ]),
      );
      const ms = legAirtimeMs(await this.marksOf(event.id, windowStart), window, rows);
      const total = [...ms.values()].reduce((a, b) => a + b, 0);
      seconds.set(event.organizationId, (seconds.get(event.organizationId) ?? 0) + total / 1000);
    }
    for (const [organizationId, s] of seconds) {
      const onAirSeconds = Math.round(s);
      if (onAirSeconds > 0) await this.storeWindow(organizationId, windowStart, onAirSeconds);
    }
  }

  /** Events of organizations with a Stripe customer that are on air or have a mark since `from`. */
  private async meteredEvents(from: Date) {
    return this.run(() =>
      this.prisma.event.findMany({
        where: {
          organization: { billingCustomer: { isNot: null } },
          OR: [
            { status: { in: ON_AIR } },
            { timeline: { some: { type: { in: MARK_TYPES }, at: { gte: from } } } },
          ],
        },
        select: {
          id: true,
          organizationId: true,
          status: true,
          destinations: { select: { id: true, state: true, updatedAt: true } },
        },
      }),
    );
  }

  /** The event's marks since its last event_started/event_stopped at or before `windowStart`, in order. */
  private async marksOf(eventId: string, windowStart: Date): Promise<AirtimeMark[]> {
    return this.run(async () => {
      const reset = await this.prisma.timelineEntry.findFirst({
        where: { eventId, type: { in: ALL_DOWN }, at: { lte: windowStart } },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        select: { at: true },
      });
      const entries = await this.prisma.timelineEntry.findMany({
        where: { eventId, type: { in: MARK_TYPES }, ...(reset ? { at: { gte: reset.at } } : {}) },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
        select: { type: true, destinationId: true, at: true },
      });
      return entries.flatMap((e): AirtimeMark[] => {
        // Only MARK_TYPES were selected.
        const mark = markOf({ ...e, type: e.type as AirtimeMarkType, at: e.at.getTime() });
        return mark ? [mark] : [];
      });
    });
  }

  /** Stores the organization's window once, carrying the seconds left from its previous window. */
  private async storeWindow(organizationId: string, windowStart: Date, onAirSeconds: number): Promise<void> {
    const key = windowStart.toISOString();
    await this.run(() =>
      this.prisma.$transaction(async (tx) => {
        const previous = await tx.billingUsageReport.findFirst({
          where: { organizationId, windowStart: { lt: windowStart } },
          orderBy: { windowStart: 'desc' },
          select: { carrySeconds: true },
        });
        const { minutes, carrySeconds } = billableMinutes(previous?.carrySeconds ?? 0, onAirSeconds);
        await tx.billingUsageReport.createMany({
          data: [
            {
              organizationId,
              windowStart,
              value: minutes,
              onAirSeconds,
              carrySeconds,
              identifier: `usage:${organizationId}:${key}`,
              sentAt: minutes === 0 ? new Date() : null,
            },
          ],
          skipDuplicates: true,
        });
      }),
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

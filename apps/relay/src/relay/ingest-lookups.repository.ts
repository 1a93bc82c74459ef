import { Injectable } from '@nestjs/common';
import {
  type BillingPlanName,
  type InputRole,
  PAID_SUBSCRIPTION_STATUSES,
  PLAN_LIMITS,
} from '@relay/contracts';
import type { SwitcherSettings } from '@relay/media';
import { PrismaService } from '@relay/prisma';
import { settingsOf } from './pipeline-config.repository';
import { runQuery } from './run-query';

/**
 * What the ingest reads in PostgreSQL: stream key look-ups and the backup-ingest entitlement. Every
 * method maps Prisma errors to DatabaseError.
 */
@Injectable()
export class IngestLookupsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The (event, role) whose ingest stream key has the keyed hash `streamKeyHash` (see
   * StreamKeySecrets.hashIngestKey), with the event's failover settings; null if unknown.
   */
  async findIngestByStreamKeyHash(
    streamKeyHash: string,
  ): Promise<{ eventId: string; role: InputRole; settings: SwitcherSettings } | null> {
    const ingest = await runQuery(() =>
      this.prisma.ingest.findUnique({ where: { streamKeyHash }, include: { event: true } }),
    );
    if (!ingest) return null;
    return { eventId: ingest.eventId, role: ingest.role, settings: settingsOf(ingest.event) };
  }

  /** The keyed hashes of an event's current ingest stream keys, by role (absent: event deleted). */
  async findIngestKeyHashes(eventId: string): Promise<Partial<Record<InputRole, string | null>>> {
    const ingests = await runQuery(() =>
      this.prisma.ingest.findMany({ where: { eventId }, select: { role: true, streamKeyHash: true } }),
    );
    return Object.fromEntries(ingests.map((i) => [i.role, i.streamKeyHash]));
  }

  /** Whether the event's organization has a paid subscription whose plan includes backup ingest. */
  async backupIngestAllowed(eventId: string): Promise<boolean> {
    const plans = (Object.keys(PLAN_LIMITS) as BillingPlanName[]).filter((p) => PLAN_LIMITS[p].backupIngest);
    const count = await runQuery(() =>
      this.prisma.billingSubscription.count({
        where: {
          organization: { events: { some: { id: eventId } } },
          status: { in: [...PAID_SUBSCRIPTION_STATUSES] },
          plan: { in: plans },
        },
      }),
    );
    return count > 0;
  }
}

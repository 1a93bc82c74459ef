import { Injectable } from '@nestjs/common';
import type { EventStatus, InputRole } from '@relay/contracts';
import { type Prisma, PrismaService, toDatabaseError } from '@relay/prisma';
import type { FailoverColumns } from './failover-settings.mapper';
import type { StoredIngestKey } from './ingest-stream-key';
import type { EventLegPolicyColumns } from './leg-policy.mapper';

/** An event with what its JSON shows. */
export type EventRecord = Prisma.EventGetPayload<{ include: { ingests: true; destinations: true } }>;

const WITH_RELATIONS = {
  ingests: true,
  destinations: { orderBy: { createdAt: 'asc' } },
} as const satisfies Prisma.EventInclude;

/** Events, their ingest endpoints and timeline in PostgreSQL, always scoped to one organization. */
@Injectable()
export class EventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    organizationId: string,
    data: { name: string } & Partial<FailoverColumns> & Partial<EventLegPolicyColumns>,
    streamKeys: { primary: StoredIngestKey; backup: StoredIngestKey },
  ): Promise<EventRecord> {
    return this.run(() =>
      this.prisma.event.create({
        data: {
          ...data,
          organization: { connect: { id: organizationId } },
          ingests: {
            create: [
              { role: 'primary', ...streamKeys.primary },
              { role: 'backup', ...streamKeys.backup },
            ],
          },
        },
        include: WITH_RELATIONS,
      }),
    );
  }

  /** Newest first, `limit` at most, starting after the event `cursor` (an id) when given. */
  async list(organizationId: string, limit: number, cursor?: string): Promise<EventRecord[]> {
    return this.run(() =>
      this.prisma.event.findMany({
        where: { organizationId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
        include: WITH_RELATIONS,
      }),
    );
  }

  async find(organizationId: string, id: string): Promise<EventRecord | null> {
    return this.run(() =>
      this.prisma.event.findFirst({ where: { id, organizationId }, include: WITH_RELATIONS }),
    );
  }

  async update(
    id: string,
    data: { name?: string } & Partial<FailoverColumns> & Partial<EventLegPolicyColumns>,
  ): Promise<EventRecord> {
    return this.run(() => this.prisma.event.update({ where: { id }, data, include: WITH_RELATIONS }));
  }

  /** Replaces the stream key of one of the event's ingests; the old key stops matching at once. */
  async replaceStreamKey(eventId: string, role: InputRole, key: StoredIngestKey): Promise<void> {
    await this.run(() =>
      this.prisma.ingest.update({
        where: { eventId_role: { eventId, role } },
        data: { ...key, streamKey: null },
      }),
    );
  }

  /** Deletes the event unless its status is one of `busy`; returns whether it was deleted. */
  async deleteUnlessStatus(id: string, busy: EventStatus[]): Promise<boolean> {
    const result = await this.run(() =>
      this.prisma.event.deleteMany({ where: { id, status: { notIn: busy } } }),
    );
    return result.count === 1;
  }

  /**
   * Moves the event to `to` when its status is one of `from`, recording `timelineType` in the same
   * transaction (`tx` when given: the caller's, e.g. a plan-limit check's). Returns whether the status
   * changed.
   */
  async transition(
    id: string,
    from: EventStatus[],
    to: EventStatus,
    timelineType: 'event_started' | 'event_stopped',
    extra: Pick<
      Prisma.EventUpdateManyMutationInput,
      'activeInput' | 'statusReason' | 'slateSince' | 'slateEndsAt'
    > = {},
    tx?: Prisma.TransactionClient,
  ): Promise<boolean> {
    const body = async (db: Prisma.TransactionClient): Promise<boolean> => {
      const changed = await db.event.updateMany({
        where: { id, status: { in: from } },
        data: { status: to, ...extra },
      });
      if (changed.count === 0) return false;
      await db.timelineEntry.create({ data: { eventId: id, type: timelineType, detail: { status: to } } });
      return true;
    };
    return this.run(() => (tx ? body(tx) : this.prisma.$transaction(body)));
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

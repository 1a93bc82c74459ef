import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService, toDatabaseError } from '@relay/prisma';

const ENTRY_FIELDS = {
  id: true,
  at: true,
  type: true,
  input: true,
  destinationId: true,
  detail: true,
} as const satisfies Prisma.TimelineEntrySelect;

/** A timeline entry with the columns its JSON shows. */
export type TimelineEntryRecord = Prisma.TimelineEntryGetPayload<{ select: typeof ENTRY_FIELDS }>;

/** Reads an event's timeline from PostgreSQL; the caller has already checked the event's organization. */
@Injectable()
export class TimelineRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * At most `take` entries of the event with an id greater than `afterId` (all when undefined), ascending
   * by id, i.e. oldest first. Served by the (event_id, id) index.
   */
  async listAfter(
    eventId: string,
    afterId: bigint | undefined,
    take: number,
  ): Promise<TimelineEntryRecord[]> {
    try {
      return await this.prisma.timelineEntry.findMany({
        where: { eventId, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
        orderBy: { id: 'asc' },
        take,
        select: ENTRY_FIELDS,
      });
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService, toDatabaseError } from '@relay/prisma';

/** The reads of a status stream that no other module has; the caller has checked the organization. */
@Injectable()
export class EventStreamRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Id of the event's newest timeline entry, as a decimal string; undefined when it has none. */
  async newestTimelineEntryId(eventId: string): Promise<string | undefined> {
    try {
      const newest = await this.prisma.timelineEntry.findFirst({
        where: { eventId },
        orderBy: { id: 'desc' },
        select: { id: true },
      });
      return newest?.id.toString();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

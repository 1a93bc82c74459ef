import { Injectable } from '@nestjs/common';
import { type Destination, PrismaService, toDatabaseError } from '@relay/prisma';

/** Destinations of events in PostgreSQL. */
@Injectable()
export class DestinationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    eventId: string,
    data: { name: string; url: string; streamKey: string | null },
  ): Promise<Destination> {
    try {
      return await this.prisma.destination.create({ data: { ...data, eventId } });
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  /** Deletes the event's destination; returns whether it existed. */
  async delete(eventId: string, id: string): Promise<boolean> {
    try {
      return (await this.prisma.destination.deleteMany({ where: { id, eventId } })).count === 1;
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { type Destination, type Prisma, PrismaService, toDatabaseError } from '@relay/prisma';
import type { DestinationLegPolicyColumns } from '../events/leg-policy.mapper';

/** Destinations of events in PostgreSQL. */
@Injectable()
export class DestinationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts a destination; in `tx` when given (the caller's transaction, e.g. a plan-limit check's). */
  async create(
    eventId: string,
    data: {
      name: string;
      url: string;
      streamKeyCipher: string | null;
      streamKeyHint: string | null;
      passphraseCipher: string | null;
    } & Partial<DestinationLegPolicyColumns>,
    tx?: Prisma.TransactionClient,
  ): Promise<Destination> {
    return this.run(() => (tx ?? this.prisma).destination.create({ data: { ...data, eventId } }));
  }

  /** Deletes the event's destination; returns whether it existed. */
  async delete(eventId: string, id: string): Promise<boolean> {
    return this.run(
      async () => (await this.prisma.destination.deleteMany({ where: { id, eventId } })).count === 1,
    );
  }

  /** Updates the event's destination; null when it does not exist. */
  async update(
    eventId: string,
    id: string,
    data: { name?: string } & Partial<DestinationLegPolicyColumns>,
  ): Promise<Destination | null> {
    return this.run(async () => {
      const changed = await this.prisma.destination.updateMany({ where: { id, eventId }, data });
      return changed.count === 1 ? this.prisma.destination.findFirst({ where: { id, eventId } }) : null;
    });
  }

  /** A retry by hand was queued: `failed` → `retrying` (other states are the relay's to set). */
  async markRetryRequested(eventId: string, id: string): Promise<void> {
    await this.run(() =>
      this.prisma.destination.updateMany({
        where: { id, eventId, state: 'failed' },
        data: { state: 'retrying' },
      }),
    );
  }

  async find(eventId: string, id: string): Promise<Destination | null> {
    return this.run(() => this.prisma.destination.findFirst({ where: { id, eventId } }));
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

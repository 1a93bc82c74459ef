import { Injectable } from '@nestjs/common';
import { type Rehearsal, PrismaService, toDatabaseError } from '@relay/prisma';

/** Failover rehearsals in PostgreSQL. */
@Injectable()
export class RehearsalsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records a running rehearsal. `runningFor` holds the event id while it runs: its unique index makes
   * a second running rehearsal of the same event a unique violation (DatabaseError 'unique-violation').
   */
  async createRunning(eventId: string, durationMs: number): Promise<Rehearsal> {
    return this.run(() =>
      this.prisma.rehearsal.create({ data: { eventId, durationMs, runningFor: eventId } }),
    );
  }

  /** Newest first, at most `limit`. */
  async list(eventId: string, limit: number): Promise<Rehearsal[]> {
    return this.run(() =>
      this.prisma.rehearsal.findMany({ where: { eventId }, orderBy: { startedAt: 'desc' }, take: limit }),
    );
  }

  async find(eventId: string, id: string): Promise<Rehearsal | null> {
    return this.run(() => this.prisma.rehearsal.findFirst({ where: { id, eventId } }));
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

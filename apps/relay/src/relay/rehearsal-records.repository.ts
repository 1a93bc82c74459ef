import { Injectable } from '@nestjs/common';
import type { RehearsalReport } from '@relay/media';
import { PrismaService } from '@relay/prisma';
import { runQuery } from './run-query';

/** Rehearsal rows the relay reads and finishes. Every method maps Prisma errors to DatabaseError. */
@Injectable()
export class RehearsalRecordsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The rehearsal to run, if it is still running (null when unknown or already ended). */
  async findRunningRehearsal(
    id: string,
  ): Promise<{ id: string; eventId: string; durationMs: number } | null> {
    return runQuery(() =>
      this.prisma.rehearsal.findFirst({
        where: { id, status: 'running' },
        select: { id: true, eventId: true, durationMs: true },
      }),
    );
  }

  /** Stores a rehearsal's outcome and frees the event for the next one. */
  async finishRehearsal(id: string, report: RehearsalReport): Promise<void> {
    await runQuery(() =>
      this.prisma.rehearsal.update({
        where: { id },
        data: {
          status: report.status,
          verdict: report.verdict,
          endedAt: new Date(report.endedAt),
          detectionMs: report.detectionMs,
          switchGapMs: report.switchGapMs,
          failbackGapMs: report.failbackGapMs,
          legReconnects: report.legReconnects,
          legs: report.legs.map((l) => ({ ...l })),
          reasons: report.reasons,
          runningFor: null,
        },
      }),
    );
  }
}

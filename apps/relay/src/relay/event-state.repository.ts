import { Injectable } from '@nestjs/common';
import type { IngestState, InputRole, LegState } from '@relay/contracts';
import type { InputMediaInfo } from '@relay/media';
import { Prisma, PrismaService } from '@relay/prisma';
import { currentWriteQueuedAt } from './event-writes.service';
import type { PipelineConfig } from './pipeline-config.repository';
import { runQuery } from './run-query';

/** Timeline entry types the relay writes (prisma enum TimelineType). */
export type RelayTimelineType = Prisma.TimelineEntryCreateManyInput['type'];

/** A timeline entry's detail: flat JSON. */
export type TimelineDetail = Record<string, string | number | boolean | null>;

/**
 * The state of a running event in PostgreSQL (event, inputs, legs) and its timeline: what pipelines and
 * ownership write as the show goes on. Every method maps Prisma errors to DatabaseError.
 */
@Injectable()
export class EventStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Ids of events that were on air (standby or live) when the relay last stopped. */
  async findOnAirEventIds(): Promise<string[]> {
    const events = await runQuery(() =>
      this.prisma.event.findMany({ where: { status: { in: ['standby', 'live'] } }, select: { id: true } }),
    );
    return events.map((e) => e.id);
  }

  async setIngestState(eventId: string, role: InputRole, state: IngestState): Promise<void> {
    await runQuery(() => this.prisma.ingest.updateMany({ where: { eventId, role }, data: { state } }));
  }

  /** Stores what was probed of an input's media (null clears it). */
  async setIngestMedia(eventId: string, role: InputRole, media: InputMediaInfo | null): Promise<void> {
    await runQuery(() =>
      this.prisma.ingest.updateMany({
        where: { eventId, role },
        data: {
          media:
            media === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(media)) as Prisma.InputJsonObject),
        },
      }),
    );
  }

  async setActiveInput(eventId: string, activeInput: InputRole | null): Promise<void> {
    await runQuery(() => this.prisma.event.updateMany({ where: { id: eventId }, data: { activeInput } }));
  }

  /** The event is on the slate from `since` until `endsAt` (also when the deadline moves). */
  async setSlate(eventId: string, since: Date, endsAt: Date, statusReason: string): Promise<void> {
    await runQuery(() =>
      this.prisma.event.updateMany({
        where: { id: eventId, status: { in: ['standby', 'live'] } },
        data: { slateSince: since, slateEndsAt: endsAt, statusReason },
      }),
    );
  }

  /**
   * The slate ended while the event stays on air (an input came back, the slate was turned off or
   * failed) or was stopped: clears the slate window and sets the status reason (null: nothing to explain;
   * undefined: unchanged).
   */
  async clearSlate(eventId: string, statusReason: string | null | undefined): Promise<void> {
    await runQuery(() =>
      this.prisma.event.updateMany({
        where: { id: eventId },
        data: {
          slateSince: null,
          slateEndsAt: null,
          ...(statusReason !== undefined ? { statusReason } : {}),
        },
      }),
    );
  }

  /** Clears a status reason left from an earlier part of the show (an input is on air again). */
  async clearLiveStatusReason(eventId: string): Promise<void> {
    await runQuery(() =>
      this.prisma.event.updateMany({
        where: { id: eventId, status: { in: ['standby', 'live'] }, statusReason: { not: null } },
        data: { statusReason: null },
      }),
    );
  }

  /**
   * The slate timed out and the legs were closed: standby/live → ended with `statusReason`, no active
   * input, no slate, with the slate_ended and event_stopped entries, in one transaction. Returns whether
   * the status changed (false when the event was stopped or deleted meanwhile).
   */
  async endAfterSlate(eventId: string, statusReason: string, detail: TimelineDetail): Promise<boolean> {
    return runQuery(() =>
      this.prisma.$transaction(async (tx) => {
        const changed = await tx.event.updateMany({
          where: { id: eventId, status: { in: ['standby', 'live'] } },
          data: { status: 'ended', statusReason, activeInput: null, slateSince: null, slateEndsAt: null },
        });
        if (changed.count === 0) return false;
        await tx.timelineEntry.createMany({
          data: [
            { eventId, type: 'slate_ended', detail },
            { eventId, type: 'event_stopped', detail: { status: 'ended', reason: statusReason } },
          ],
        });
        return true;
      }),
    );
  }

  /** standby → live; returns whether it changed. */
  async markLive(eventId: string): Promise<boolean> {
    const result = await runQuery(() =>
      this.prisma.event.updateMany({ where: { id: eventId, status: 'standby' }, data: { status: 'live' } }),
    );
    return result.count === 1;
  }

  async setLegState(destinationId: string, state: LegState, lastError?: string | null): Promise<void> {
    await runQuery(() =>
      this.prisma.destination.updateMany({
        where: { id: destinationId },
        data: { state, ...(lastError !== undefined ? { lastError } : {}) },
      }),
    );
  }

  /**
   * The supervisor gave up on a leg: state `failed` with `lastError` (plain words, no stream key) and a
   * `leg_gave_up` timeline entry, in one transaction; nothing when the destination was deleted meanwhile.
   */
  async markLegGaveUp(
    eventId: string,
    destinationId: string,
    lastError: string,
    detail: TimelineDetail,
  ): Promise<void> {
    await runQuery(() =>
      this.prisma.$transaction(async (tx) => {
        const changed = await tx.destination.updateMany({
          where: { id: destinationId, eventId },
          data: { state: 'failed', lastError },
        });
        if (changed.count === 0) return;
        await tx.timelineEntry.createMany({
          data: [{ eventId, type: 'leg_gave_up', destinationId, detail }],
        });
      }),
    );
  }

  async countLegRestart(destinationId: string): Promise<void> {
    await runQuery(() =>
      this.prisma.destination.updateMany({
        where: { id: destinationId },
        data: { restarts: { increment: 1 } },
      }),
    );
  }

  /**
   * Sets every leg of the event back to idle: the event stopped, or (`keepGivenUp`) this relay took it
   * over and no leg runs here yet, where a leg given up (`failed`) stays so, not to be started again.
   */
  async resetLegStates(eventId: string, options: { keepGivenUp?: boolean } = {}): Promise<void> {
    await runQuery(() =>
      this.prisma.destination.updateMany({
        where: { eventId, ...(options.keepGivenUp ? { state: { not: 'failed' } } : {}) },
        data: { state: 'idle' },
      }),
    );
  }

  /**
   * Adds a timeline entry. `at` is when it happened: by default when its write was queued (see
   * EventWriteQueue), so an entry held through a database outage keeps its time; else now.
   */
  async addTimeline(
    eventId: string,
    type: RelayTimelineType,
    entry: { input?: InputRole; destinationId?: string; detail?: TimelineDetail; at?: Date },
  ): Promise<void> {
    const at = entry.at ?? currentWriteQueuedAt() ?? new Date();
    await runQuery(() =>
      this.prisma.timelineEntry.createMany({
        data: [
          {
            eventId,
            type,
            at,
            input: entry.input ?? null,
            destinationId: entry.destinationId ?? null,
            detail: entry.detail ?? {},
          },
        ],
      }),
    );
  }

  /** The event's status, or null when it was deleted. */
  async findEventStatus(eventId: string): Promise<PipelineConfig['status'] | null> {
    const event = await runQuery(() =>
      this.prisma.event.findUnique({ where: { id: eventId }, select: { status: true } }),
    );
    return event?.status ?? null;
  }

  /**
   * This relay took the event over: forgets what its previous owner left open (a slate window, a
   * running rehearsal), since none of it runs here. Returns what was cleared.
   */
  async forgetPreviousOwner(
    eventId: string,
    rehearsalReason: string,
  ): Promise<{ slate: boolean; rehearsals: number }> {
    return runQuery(() =>
      this.prisma.$transaction(async (tx) => {
        const slate = await tx.event.updateMany({
          where: { id: eventId, slateSince: { not: null } },
          data: { slateSince: null, slateEndsAt: null, statusReason: null },
        });
        const rehearsals = await tx.rehearsal.updateMany({
          where: { eventId, status: 'running' },
          data: {
            status: 'aborted',
            verdict: 'fail',
            endedAt: new Date(),
            reasons: [rehearsalReason],
            runningFor: null,
          },
        });
        return { slate: slate.count > 0, rehearsals: rehearsals.count };
      }),
    );
  }
}

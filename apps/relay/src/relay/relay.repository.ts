import { Injectable } from '@nestjs/common';
import type { IngestState, InputRole, LegState } from '@relay/contracts';
import type { InputMediaInfo, LegSpec, RehearsalReport, SwitcherSettings } from '@relay/media';
import { Prisma, PrismaService, toDatabaseError } from '@relay/prisma';

/** Timeline entry types the relay writes (prisma enum TimelineType). */
export type RelayTimelineType = Prisma.TimelineEntryCreateManyInput['type'];

/** What the relay needs to run an event's pipeline. */
export interface PipelineConfig {
  readonly eventId: string;
  readonly status: 'idle' | 'standby' | 'live' | 'ended';
  readonly settings: SwitcherSettings;
  readonly legs: LegSpec[];
}

/** The relay's reads and writes in PostgreSQL. Every method maps Prisma errors to DatabaseError. */
@Injectable()
export class RelayRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The (event, role) an ingest stream key belongs to, with the event's failover settings; null if unknown. */
  async findIngestByStreamKey(
    streamKey: string,
  ): Promise<{ eventId: string; role: InputRole; settings: SwitcherSettings } | null> {
    const ingest = await this.run(() =>
      this.prisma.ingest.findUnique({ where: { streamKey }, include: { event: true } }),
    );
    if (!ingest) return null;
    return { eventId: ingest.eventId, role: ingest.role, settings: settingsOf(ingest.event) };
  }

  async loadPipelineConfig(eventId: string): Promise<PipelineConfig | null> {
    const event = await this.run(() =>
      this.prisma.event.findUnique({
        where: { id: eventId },
        include: { destinations: { orderBy: { createdAt: 'asc' } } },
      }),
    );
    if (!event) return null;
    return {
      eventId,
      status: event.status,
      settings: settingsOf(event),
      legs: event.destinations.map((d) => ({
        destinationId: d.id,
        publishUrl: d.streamKey ? `${d.url}/${d.streamKey}` : d.url,
        streamKey: d.streamKey,
      })),
    };
  }

  /** Ids of events that were on air (standby or live) when the relay last stopped. */
  async findOnAirEventIds(): Promise<string[]> {
    const events = await this.run(() =>
      this.prisma.event.findMany({ where: { status: { in: ['standby', 'live'] } }, select: { id: true } }),
    );
    return events.map((e) => e.id);
  }

  async setIngestState(eventId: string, role: InputRole, state: IngestState): Promise<void> {
    await this.run(() => this.prisma.ingest.updateMany({ where: { eventId, role }, data: { state } }));
  }

  /** Stores what was probed of an input's media (null clears it). */
  async setIngestMedia(eventId: string, role: InputRole, media: InputMediaInfo | null): Promise<void> {
    await this.run(() =>
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
    await this.run(() => this.prisma.event.updateMany({ where: { id: eventId }, data: { activeInput } }));
  }

  /** standby → live; returns whether it changed. */
  async markLive(eventId: string): Promise<boolean> {
    const result = await this.run(() =>
      this.prisma.event.updateMany({ where: { id: eventId, status: 'standby' }, data: { status: 'live' } }),
    );
    return result.count === 1;
  }

  async setLegState(destinationId: string, state: LegState, lastError?: string | null): Promise<void> {
    await this.run(() =>
      this.prisma.destination.updateMany({
        where: { id: destinationId },
        data: { state, ...(lastError !== undefined ? { lastError } : {}) },
      }),
    );
  }

  async countLegRestart(destinationId: string): Promise<void> {
    await this.run(() =>
      this.prisma.destination.updateMany({
        where: { id: destinationId },
        data: { restarts: { increment: 1 } },
      }),
    );
  }

  /** Sets every leg of the event back to idle (the event stopped). */
  async resetLegStates(eventId: string): Promise<void> {
    await this.run(() => this.prisma.destination.updateMany({ where: { eventId }, data: { state: 'idle' } }));
  }

  async addTimeline(
    eventId: string,
    type: RelayTimelineType,
    entry: {
      input?: InputRole;
      destinationId?: string;
      detail?: Record<string, string | number | boolean | null>;
    },
  ): Promise<void> {
    await this.run(() =>
      this.prisma.timelineEntry.createMany({
        data: [
          {
            eventId,
            type,
            input: entry.input ?? null,
            destinationId: entry.destinationId ?? null,
            detail: entry.detail ?? {},
          },
        ],
      }),
    );
  }

  /** The rehearsal to run, if it is still running (null when unknown or already ended). */
  async findRunningRehearsal(
    id: string,
  ): Promise<{ id: string; eventId: string; durationMs: number } | null> {
    return this.run(() =>
      this.prisma.rehearsal.findFirst({
        where: { id, status: 'running' },
        select: { id: true, eventId: true, durationMs: true },
      }),
    );
  }

  /** Stores a rehearsal's outcome and frees the event for the next one. */
  async finishRehearsal(id: string, report: RehearsalReport): Promise<void> {
    await this.run(() =>
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

  /** Ends rehearsals left running by a relay that stopped; returns how many. */
  async abortOrphanedRehearsals(reason: string): Promise<number> {
    const result = await this.run(() =>
      this.prisma.rehearsal.updateMany({
        where: { status: 'running' },
        data: {
          status: 'aborted',
          verdict: 'fail',
          endedAt: new Date(),
          reasons: [reason],
          runningFor: null,
        },
      }),
    );
    return result.count;
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

/** The event's failover columns as switcher settings. */
function settingsOf(event: {
  failoverMode: 'primary_preferred' | 'sticky';
  stallTimeoutMs: number;
  failbackAfterMs: number;
  switchAt: 'cached_keyframe' | 'next_keyframe';
  flapMaxFailovers: number;
  flapWindowMs: number;
  flapStableMs: number;
  detectFrozenTimestamps: boolean;
}): SwitcherSettings {
  return {
    mode: event.failoverMode === 'primary_preferred' ? 'primary-preferred' : 'sticky',
    stallTimeoutMs: event.stallTimeoutMs,
    failbackAfterMs: event.failbackAfterMs,
    switchAt: event.switchAt === 'cached_keyframe' ? 'cached-keyframe' : 'next-keyframe',
    flapDamping: {
      maxFailovers: event.flapMaxFailovers,
      windowMs: event.flapWindowMs,
      stableMs: event.flapStableMs,
    },
    detectFrozenTimestamps: event.detectFrozenTimestamps,
  };
}

import { Injectable } from '@nestjs/common';
import { StreamKeySecrets } from '@relay/config';
import {
  type BillingPlanName,
  type IngestState,
  type InputRole,
  type LegState,
  PAID_SUBSCRIPTION_STATUSES,
  PLAN_LIMITS,
} from '@relay/contracts';
import {
  buildSrtPublishUrl,
  type InputMediaInfo,
  isSrtUrl,
  type LegSpec,
  type RehearsalReport,
  type SwitcherSettings,
} from '@relay/media';
import { Prisma, PrismaService, toDatabaseError } from '@relay/prisma';
import { currentWriteQueuedAt } from './event-writes.service';

/** Timeline entry types the relay writes (prisma enum TimelineType). */
export type RelayTimelineType = Prisma.TimelineEntryCreateManyInput['type'];

/** A timeline entry's detail: flat JSON. */
export type TimelineDetail = Record<string, string | number | boolean | null>;

/** What the relay needs to run an event's pipeline. */
export interface PipelineConfig {
  readonly eventId: string;
  readonly status: 'idle' | 'standby' | 'live' | 'ended';
  readonly settings: SwitcherSettings;
  readonly legs: LegSpec[];
}

/**
 * Where a leg publishes: `url + "/" + streamKey` for RTMP(S); for SRT, `srt://host:port?streamid=<streamKey>`
 * with the passphrase and the transport settings (see buildSrtPublishUrl). A secret.
 */
function publishUrlOf(url: string, streamKey: string | null, passphrase: string | null): string {
  if (isSrtUrl(url)) return buildSrtPublishUrl({ url, streamId: streamKey, passphrase });
  return streamKey ? `${url}/${streamKey}` : url;
}

/** The relay's reads and writes in PostgreSQL. Every method maps Prisma errors to DatabaseError. */
@Injectable()
export class RelayRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: StreamKeySecrets,
  ) {}

  /**
   * The (event, role) whose ingest stream key has the keyed hash `streamKeyHash` (see
   * StreamKeySecrets.hashIngestKey), with the event's failover settings; null if unknown.
   */
  async findIngestByStreamKeyHash(
    streamKeyHash: string,
  ): Promise<{ eventId: string; role: InputRole; settings: SwitcherSettings } | null> {
    const ingest = await this.run(() =>
      this.prisma.ingest.findUnique({ where: { streamKeyHash }, include: { event: true } }),
    );
    if (!ingest) return null;
    return { eventId: ingest.eventId, role: ingest.role, settings: settingsOf(ingest.event) };
  }

  /** The keyed hashes of an event's current ingest stream keys, by role (absent: event deleted). */
  async findIngestKeyHashes(eventId: string): Promise<Partial<Record<InputRole, string | null>>> {
    const ingests = await this.run(() =>
      this.prisma.ingest.findMany({ where: { eventId }, select: { role: true, streamKeyHash: true } }),
    );
    return Object.fromEntries(ingests.map((i) => [i.role, i.streamKeyHash]));
  }

  /** Whether the event's organization has a paid subscription whose plan includes backup ingest. */
  async backupIngestAllowed(eventId: string): Promise<boolean> {
    const plans = (Object.keys(PLAN_LIMITS) as BillingPlanName[]).filter((p) => PLAN_LIMITS[p].backupIngest);
    const count = await this.run(() =>
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

  async loadPipelineConfig(eventId: string): Promise<PipelineConfig | null> {
    // Destination keys are stored encrypted (a row the API has not migrated yet still holds clear text).
    const streamKeyOf = (d: { streamKey: string | null; streamKeyCipher: string | null }): string | null =>
      d.streamKeyCipher ? this.secrets.cipher.decrypt(d.streamKeyCipher) : d.streamKey;
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
        publishUrl: publishUrlOf(
          d.url,
          streamKeyOf(d),
          d.passphraseCipher ? this.secrets.cipher.decrypt(d.passphraseCipher) : null,
        ),
        streamKey: streamKeyOf(d),
        policy: {
          maxBackoffMs: d.maxBackoffMs ?? event.legMaxBackoffMs,
          giveUpAfterFailures: d.giveUpAfterFailures ?? event.legGiveUpAfterFailures,
          giveUpWindowMs: d.giveUpWindowMs ?? event.legGiveUpWindowMs,
        },
        // Only a give-up stores `failed` (markLegGaveUp); a retry by hand or a stop of the event clears it.
        gaveUp: d.state === 'failed',
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

  /** The event is on the slate from `since` until `endsAt` (also when the deadline moves). */
  async setSlate(eventId: string, since: Date, endsAt: Date, statusReason: string): Promise<void> {
    await this.run(() =>
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
    await this.run(() =>
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
    await this.run(() =>
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
    return this.run(() =>
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
    await this.run(() =>
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
    await this.run(() =>
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
    await this.run(() =>
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
    await this.run(() =>
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
    const event = await this.run(() =>
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
    return this.run(() =>
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
  slateTimeoutMs: number;
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
    slateTimeoutMs: event.slateTimeoutMs,
  };
}

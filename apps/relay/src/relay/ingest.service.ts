import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables, safeEqual, StreamKeySecrets } from '@relay/config';
import type { IngestRefusalReason, InputRole } from '@relay/contracts';
import { RtmpIngestServer, type PublishRefusal, type PublishTarget } from '@relay/media';
import { DatabaseError } from '@relay/prisma';
import { EventStateRepository } from './event-state.repository';
import { EventWritesService } from './event-writes.service';
import { IngestLookupsRepository } from './ingest-lookups.repository';
import { PipelinesService } from './pipelines.service';
import { StreamKeyCache, type CachedIngest } from './stream-key-cache';

/** RTMP application name encoders publish to: rtmp://host:port/live/<stream key>. */
export const INGEST_APP = 'live';

/** One `ingest_refused` timeline entry per (event, role, reason) at most this often, ms (encoders retry). */
export const INGEST_REFUSED_ENTRY_INTERVAL_MS = 60_000;

/** The RTMP ingest listener of this relay process, wired to the event pipelines. */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  private readonly server: RtmpIngestServer;
  /** Keys accepted before, to let encoders back in while PostgreSQL is away. */
  private readonly acceptedKeys = new StreamKeyCache();
  /** Keyed hash of the key each publishing (event, role) was let in with, to cut it when rotated. */
  private readonly publishingWith = new Map<string, string>();
  /** When the last `ingest_refused` entry of each (event, role, reason) was queued, ms since the epoch. */
  private readonly refusalEntryAt = new Map<string, number>();

  constructor(
    private readonly config: EnvironmentVariables,
    private readonly repository: IngestLookupsRepository,
    private readonly eventState: EventStateRepository,
    private readonly pipelines: PipelinesService,
    private readonly secrets: StreamKeySecrets,
    private readonly writes: EventWritesService,
  ) {
    this.server = new RtmpIngestServer({
      app: INGEST_APP,
      authorize: (_app, streamKey) => this.authorize(streamKey),
      onPublish: (target, session) => this.pipelines.openInput(target, session),
      logger: {
        info: (message, fields) => this.logger.log(withFields(message, fields)),
        warn: (message, fields) => this.logger.warn(withFields(message, fields)),
      },
    });
    this.pipelines.onEventDeleted((eventId) => {
      this.acceptedKeys.forgetEvent(eventId);
      this.publishingWith.delete(`${eventId}/primary`);
      this.publishingWith.delete(`${eventId}/backup`);
      this.server.kick({ eventId, role: 'primary' });
      this.server.kick({ eventId, role: 'backup' });
    });
  }

  /** Whether the RTMP port is bound and accepting connections. */
  get listening(): boolean {
    return this.server.currentState === 'listening';
  }

  /** Starts listening on RTMP_PORT; resolves with the bound port. */
  async listen(): Promise<number> {
    const port = await this.server.start(this.config.RTMP_PORT, this.config.BIND_HOST);
    this.logger.log(`RTMP ingest listening on ${this.config.BIND_HOST}:${port}, app "${INGEST_APP}"`);
    return port;
  }

  /** Ends a publishing session, e.g. when its event is deleted. */
  kick(target: PublishTarget): void {
    this.server.kick(target);
  }

  /**
   * Cuts a publisher of `eventId` whose stream key is no longer the ingest's key (rotated), and forgets
   * that key, so it cannot come back in even while the database is away. Reads the database only when
   * this relay let a publisher of the event in.
   */
  async revalidatePublishers(eventId: string): Promise<void> {
    // Only a relay that let a publisher of this event in holds its key (in a session or in the cache).
    const letIn = (['primary', 'backup'] as const).some((role) =>
      this.publishingWith.has(`${eventId}/${role}`),
    );
    if (!letIn) return;
    const current = await this.repository.findIngestKeyHashes(eventId);
    for (const role of ['primary', 'backup'] as const satisfies InputRole[]) {
      const slot = `${eventId}/${role}`;
      const usedHash = this.publishingWith.get(slot);
      const currentHash = current[role];
      if (usedHash === undefined || (currentHash && safeEqual(usedHash, currentHash))) continue;
      this.publishingWith.delete(slot);
      this.acceptedKeys.forgetIngest(eventId, role);
      if (this.server.kick({ eventId, role }))
        this.logger.log(`Event ${eventId}: ${role} publisher cut, its stream key was rotated`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.stop();
  }

  /**
   * Accepts a stream key the database knows. While the database is away, a key this relay accepted
   * before is let back in (an encoder reconnecting during an outage), anything else is refused.
   */
  private async authorize(streamKey: string): Promise<PublishTarget | PublishRefusal | null> {
    let found: CachedIngest | null;
    const keyHash = this.secrets.hashIngestKey(streamKey);
    try {
      found = await this.repository.findIngestByStreamKeyHash(keyHash);
    } catch (error) {
      if (!(error instanceof DatabaseError && error.kind === 'unavailable')) throw error;
      found = this.acceptedKeys.lookup(streamKey);
      if (!found) throw error;
      this.logger.warn(
        `Event ${found.eventId}: ${found.role} let back in by a key accepted before (database away)`,
      );
    }
    if (!found) {
      this.acceptedKeys.forget(streamKey);
      return null;
    }
    if (found.role === 'backup' && !(await this.backupIngestAllowed(found.eventId)))
      return this.refuse({ eventId: found.eventId, role: 'backup' }, 'plan_has_no_backup_ingest');
    this.acceptedKeys.remember(streamKey, found);
    this.publishingWith.set(`${found.eventId}/${found.role}`, keyHash);
    this.pipelines.ensure(found.eventId, found.settings);
    return { eventId: found.eventId, role: found.role };
  }

  /**
   * Refuses a right key for `reason`: the ingest answers NetStream.Publish.Denied without slowing the
   * address down (no wrong-key guess), and the user sees an `ingest_refused` entry on the event's
   * timeline (`detail.reason`), at most one per {@link INGEST_REFUSED_ENTRY_INTERVAL_MS} per role.
   */
  private refuse(target: PublishTarget, reason: IngestRefusalReason): PublishRefusal {
    const slot = `${target.eventId}/${target.role}/${reason}`;
    const now = Date.now();
    const last = this.refusalEntryAt.get(slot);
    if (last === undefined || now - last >= INGEST_REFUSED_ENTRY_INTERVAL_MS) {
      this.refusalEntryAt.delete(slot);
      this.refusalEntryAt.set(slot, now);
      // Bounded: the oldest slot goes first (insertion order).
      if (this.refusalEntryAt.size > 10_000)
        this.refusalEntryAt.delete(this.refusalEntryAt.keys().next().value!);
      this.writes.enqueue(target.eventId, 'ingest refused', () =>
        this.eventState.addTimeline(target.eventId, 'ingest_refused', {
          input: target.role,
          detail: { reason },
        }),
      );
    }
    return { refused: reason, target };
  }

  /**
   * Billing on (README "Billing"): a plan without backup ingest has its backup publish refused. While the
   * database is away the publish is let in (as a known key is), not refused.
   */
  private async backupIngestAllowed(eventId: string): Promise<boolean> {
    if (!this.config.STRIPE_SECRET_KEY) return true;
    try {
      if (await this.repository.backupIngestAllowed(eventId)) return true;
    } catch (error) {
      if (error instanceof DatabaseError && error.kind === 'unavailable') return true;
      throw error;
    }
    this.logger.warn(
      `Event ${eventId}: backup publish refused: the organization's plan has no backup ingest`,
    );
    return false;
  }
}

function withFields(message: string, fields?: Record<string, unknown>): string {
  return fields ? `${message} ${JSON.stringify(fields)}` : message;
}

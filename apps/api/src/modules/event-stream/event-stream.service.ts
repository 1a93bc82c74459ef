import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { EventsService } from '../events/events.service';
import { presentRehearsal } from '../rehearsals/rehearsal.presenter';
import { RehearsalsRepository } from '../rehearsals/rehearsals.repository';
import { presentTimelineEntry } from '../timeline/timeline.presenter';
import { TimelineRepository } from '../timeline/timeline.repository';
import { EventChangesHub } from './event-changes.hub';
import {
  EVENT_STREAM_TIMINGS,
  EventStreamSession,
  type StatusReader,
  type StatusSnapshot,
} from './event-stream-session';
import { EventStreamRepository } from './event-stream.repository';

/** Status streams one API key may hold open at once, per API process; one more answers 429. */
export const MAX_STREAMS_PER_API_KEY = 10;
/** Bytes of frames waiting for a client that does not read, past which its stream is closed. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * `GET /v1/events/:id/stream`: opens a status stream (see EventStreamSession) for the caller's event,
 * fed by the event changes channel. Bounds the streams per API key; closes them all when the module is
 * destroyed (the graceful shutdown ends them earlier, when draining starts).
 */
@Injectable()
export class EventStreamService implements OnModuleDestroy {
  private readonly logger = new Logger('EventStream');
  private readonly perKey = new Map<string, number>();
  private readonly sessions = new Set<EventStreamSession>();

  constructor(
    private readonly events: EventsService,
    private readonly rehearsals: RehearsalsRepository,
    private readonly timeline: TimelineRepository,
    private readonly streams: EventStreamRepository,
    private readonly hub: EventChangesHub,
  ) {}

  /** Streams open now, across all keys. */
  get openCount(): number {
    return this.sessions.size;
  }

  /**
   * Answers 200 `text/event-stream` and keeps the response open until the client leaves, the event is
   * deleted or the API stops.
   *
   * @throws ApiError not_found (404) for an unknown event or another organization's, rate_limited (429)
   *   when the key already holds {@link MAX_STREAMS_PER_API_KEY} streams; nothing is written then.
   */
  async open(
    organizationId: string,
    apiKeyId: string,
    eventId: string,
    request: Request,
    response: Response,
  ): Promise<void> {
    await this.events.get(organizationId, eventId);
    const cursor = await this.streams.newestTimelineEntryId(eventId);
    const held = this.perKey.get(apiKeyId) ?? 0;
    if (held >= MAX_STREAMS_PER_API_KEY) {
      throw new ApiError(
        ApiErrorCode.RateLimited,
        `This API key already has ${MAX_STREAMS_PER_API_KEY} status streams open: close one first`,
      );
    }
    if (request.socket.destroyed || response.destroyed) return; // the client left during the checks
    this.perKey.set(apiKeyId, held + 1);

    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    request.socket.setNoDelay(true);

    let readFailed = false;
    const session = new EventStreamSession(
      this.reader(organizationId, eventId),
      {
        write: (chunk) => {
          if (response.writableEnded || response.destroyed) return;
          response.write(chunk);
          if (response.writableLength > MAX_BUFFERED_BYTES) {
            this.logger.warn(`Event ${eventId}: closing a status stream whose client does not read`);
            response.destroy();
          }
        },
        end: () => {
          if (!response.writableEnded) response.end();
        },
      },
      cursor,
      (error) => {
        if (readFailed) return;
        readFailed = true;
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Event ${eventId}: status stream re-read failed (${message}); retrying`);
      },
      EVENT_STREAM_TIMINGS,
    );
    this.sessions.add(session);
    const stopListening = this.hub.listen(eventId, () => session.notify());
    response.once('close', () => {
      stopListening();
      session.close();
      this.sessions.delete(session);
      const left = (this.perKey.get(apiKeyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(apiKeyId, left);
      else this.perKey.delete(apiKeyId);
    });
    session.start();
  }

  /** Ends every open stream (clients reconnect, e.g. to another instance). */
  closeAll(): void {
    for (const session of this.sessions) session.close();
  }

  onModuleDestroy(): void {
    this.closeAll();
  }

  private reader(organizationId: string, eventId: string): StatusReader {
    return async (afterTimelineId): Promise<StatusSnapshot> => {
      const record = await this.events.get(organizationId, eventId).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === ApiErrorCode.NotFound) return null;
        throw error;
      });
      if (!record) return { event: null, rehearsal: null, timeline: [] };
      const [rehearsals, entries] = await Promise.all([
        this.rehearsals.list(eventId, 1),
        this.timeline.listAfter(
          eventId,
          afterTimelineId === undefined ? undefined : BigInt(afterTimelineId),
          EVENT_STREAM_TIMINGS.timelinePageSize,
        ),
      ]);
      const latest = rehearsals[0];
      return {
        event: this.events.present(record),
        rehearsal: latest ? presentRehearsal(latest) : null,
        timeline: entries.map(presentTimelineEntry),
      };
    };
  }
}

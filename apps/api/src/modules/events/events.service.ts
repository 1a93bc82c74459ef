import { Injectable } from '@nestjs/common';
import { EnvironmentVariables, secretHint, StreamKeySecrets } from '@relay/config';
import type { EventJson, InputRole } from '@relay/contracts';
import { EventPipelineJob } from '@relay/queue';
import { isUuid } from '../../common/validation/is-uuid';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { PlanLimitsService } from '../billing/plan-limits.service';
import { PipelineQueueService } from '../pipeline/pipeline-queue.service';
import type { CreateEventDto } from './dto/create-event.dto';
import type { UpdateEventDto } from './dto/update-event.dto';
import { presentEvent } from './event.presenter';
import { failoverColumns } from './failover-settings.mapper';
import { eventLegPolicyColumns } from './leg-policy.mapper';
import { EventsRepository, type EventRecord } from './events.repository';
import { generateIngestStreamKey, type StoredIngestKey } from './ingest-stream-key';

export const EVENTS_PAGE_MAX = 100;

/** Event lifecycle and settings; the relay does the media work from the `event-pipeline` queue. */
@Injectable()
export class EventsService {
  private readonly ingestServerUrl: string;

  constructor(
    private readonly events: EventsRepository,
    private readonly pipeline: PipelineQueueService,
    config: EnvironmentVariables,
    private readonly planLimits: PlanLimitsService,
    private readonly secrets: StreamKeySecrets,
  ) {
    this.ingestServerUrl = `rtmp://${config.PUBLIC_RTMP_HOST}:${config.RTMP_PORT}/live`;
  }

  present(event: EventRecord): EventJson {
    return presentEvent(event, this.ingestServerUrl);
  }

  /** How `streamKey` is stored: never in clear (see README "Stream keys"). */
  private storedKey(streamKey: string): StoredIngestKey {
    return { streamKeyHash: this.secrets.hashIngestKey(streamKey), streamKeyHint: secretHint(streamKey) };
  }

  async create(organizationId: string, dto: CreateEventDto): Promise<EventJson> {
    const keys = { primary: generateIngestStreamKey('primary'), backup: generateIngestStreamKey('backup') };
    const event = await this.events.create(
      organizationId,
      {
        name: dto.name,
        ...failoverColumns(dto.failover, true),
        ...eventLegPolicyColumns(dto.legPolicy, true),
      },
      { primary: this.storedKey(keys.primary), backup: this.storedKey(keys.backup) },
    );
    return presentEvent(event, this.ingestServerUrl, keys);
  }

  /**
   * Gives `role`'s ingest a new stream key, shown in full in the answer only. The old key is refused from
   * now on and the relay cuts a publisher that is using it; the other role is untouched.
   */
  async rotateStreamKey(organizationId: string, id: string, role: InputRole): Promise<EventJson> {
    await this.get(organizationId, id);
    const streamKey = generateIngestStreamKey(role);
    await this.events.replaceStreamKey(id, role, this.storedKey(streamKey));
    // The owner relay resyncs; every relay cuts a publisher still using the old key.
    await this.pipeline.request(EventPipelineJob.Sync, id, {}, 'ingest_key_rotated');
    return presentEvent(await this.get(organizationId, id), this.ingestServerUrl, { [role]: streamKey });
  }

  async list(
    organizationId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: EventJson[]; nextCursor: string | null }> {
    if (cursor !== undefined && !isUuid(cursor)) {
      throw new ApiError(ApiErrorCode.ValidationFailed, 'cursor must be an event id from a previous page', [
        { field: 'cursor', rule: 'isUuid', message: 'cursor must be an event id from a previous page' },
      ]);
    }
    const events = await this.events.list(organizationId, limit + 1, cursor);
    const page = events.slice(0, limit);
    return {
      items: page.map((e) => this.present(e)),
      nextCursor: events.length > limit ? page.at(-1)!.id : null,
    };
  }

  /** The organization's event; 404 for unknown ids and for other organizations' ids alike. */
  async get(organizationId: string, id: string): Promise<EventRecord> {
    const event = isUuid(id) ? await this.events.find(organizationId, id) : null;
    if (!event) throw ApiError.notFound(`Event ${id.slice(0, 64)}`);
    return event;
  }

  async update(organizationId: string, id: string, dto: UpdateEventDto): Promise<EventJson> {
    await this.get(organizationId, id);
    const updated = await this.events.update(id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...failoverColumns(dto.failover, false),
      ...eventLegPolicyColumns(dto.legPolicy, false),
    });
    if (dto.failover || dto.legPolicy) await this.pipeline.request(EventPipelineJob.Sync, id);
    return this.present(updated);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.get(organizationId, id);
    const deleted = await this.events.deleteUnlessStatus(id, ['standby', 'live']);
    if (!deleted) {
      throw new ApiError(
        ApiErrorCode.Conflict,
        'Event is live: stop it with POST /v1/events/:id/stop before deleting it',
      );
    }
    await this.pipeline.request(EventPipelineJob.Sync, id);
  }

  async start(organizationId: string, id: string): Promise<EventJson> {
    await this.get(organizationId, id);
    // The count of events on air and this event's move on air are one transaction (plan limit).
    await this.planLimits.startEventWithinLimit(organizationId, id, (tx) =>
      this.events.transition(
        id,
        ['idle', 'ended'],
        'standby',
        'event_started',
        { statusReason: null, slateSince: null, slateEndsAt: null },
        tx,
      ),
    );
    await this.pipeline.request(EventPipelineJob.Start, id);
    return this.present(await this.get(organizationId, id));
  }

  async stop(organizationId: string, id: string): Promise<EventJson> {
    await this.get(organizationId, id);
    await this.events.transition(id, ['standby', 'live'], 'ended', 'event_stopped', {
      statusReason: 'ended: stopped with POST /v1/events/:id/stop',
      slateSince: null,
      slateEndsAt: null,
    });
    await this.pipeline.request(EventPipelineJob.Stop, id);
    return this.present(await this.get(organizationId, id));
  }
}

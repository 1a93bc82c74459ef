import { Injectable } from '@nestjs/common';
import { secretHint, StreamKeySecrets } from '@relay/config';
import type { DestinationJson } from '@relay/contracts';
import { EventPipelineJob } from '@relay/queue';
import { isUuid } from '../../common/validation/is-uuid';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { EventsService } from '../events/events.service';
import { destinationLegPolicyColumns, presentDestination } from '../events/leg-policy.mapper';
import { PlanLimitsService } from '../billing/plan-limits.service';
import { PipelineQueueService } from '../pipeline/pipeline-queue.service';
import type { CreateDestinationDto } from './dto/create-destination.dto';
import type { UpdateDestinationDto } from './dto/update-destination.dto';
import { DestinationsRepository } from './destinations.repository';

/** Destinations of an event; a running pipeline picks changes up from a sync job. */
@Injectable()
export class DestinationsService {
  constructor(
    private readonly events: EventsService,
    private readonly destinations: DestinationsRepository,
    private readonly pipeline: PipelineQueueService,
    private readonly planLimits: PlanLimitsService,
    private readonly secrets: StreamKeySecrets,
  ) {}

  async create(organizationId: string, eventId: string, dto: CreateDestinationDto): Promise<DestinationJson> {
    const event = await this.events.get(organizationId, eventId);
    // "rtmps://live-api-s.facebook.com:443/rtmp/" is how platforms print it: the leg adds the "/".
    // srt://host:port/ becomes srt://host:port (the leg adds the streamid as a query parameter).
    const url = dto.url.replace(/\/+$/, '');
    const row = {
      name: dto.name,
      url,
      // Encrypted at rest (AES-256-GCM); only the last 4 characters are kept in clear, for display.
      streamKeyCipher: dto.streamKey ? this.secrets.cipher.encrypt(dto.streamKey) : null,
      streamKeyHint: dto.streamKey ? secretHint(dto.streamKey) : null,
      // srt:// only (validated): encrypted the same way, and never shown, not even in part.
      passphraseCipher: dto.passphrase ? this.secrets.cipher.encrypt(dto.passphrase) : null,
      ...destinationLegPolicyColumns(dto.legPolicy),
    };
    // The count of the event's destinations and this insert are one transaction (plan limit).
    const created = await this.planLimits.addDestinationWithinLimit(organizationId, eventId, (tx) =>
      this.destinations.create(eventId, row, tx),
    );
    await this.pipeline.request(EventPipelineJob.Sync, eventId);
    return presentDestination(created, event);
  }

  /** Renames a destination or changes its leg policy overrides; a running leg uses them from its next failure. */
  async update(
    organizationId: string,
    eventId: string,
    destinationId: string,
    dto: UpdateDestinationDto,
  ): Promise<DestinationJson> {
    const event = await this.events.get(organizationId, eventId);
    const updated =
      isUuid(destinationId) &&
      (await this.destinations.update(eventId, destinationId, {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...destinationLegPolicyColumns(dto.legPolicy),
      }));
    if (!updated) throw ApiError.notFound(`Destination ${destinationId.slice(0, 64)}`);
    if (dto.legPolicy) await this.pipeline.request(EventPipelineJob.Sync, eventId);
    return presentDestination(updated, event);
  }

  async remove(organizationId: string, eventId: string, destinationId: string): Promise<void> {
    await this.events.get(organizationId, eventId);
    const deleted = isUuid(destinationId) && (await this.destinations.delete(eventId, destinationId));
    if (!deleted) throw ApiError.notFound(`Destination ${destinationId.slice(0, 64)}`);
    await this.pipeline.request(EventPipelineJob.Sync, eventId);
  }

  /**
   * Starts a destination's leg again by hand: its failures are forgotten (backoff and give-up window
   * start over) and, if it is down (`failed` or waiting to retry), it starts now at a keyframe.
   *
   * @throws ApiError not_found for an unknown destination; conflict when the event is not on air.
   */
  async retry(organizationId: string, eventId: string, destinationId: string): Promise<DestinationJson> {
    const event = await this.events.get(organizationId, eventId);
    const found = isUuid(destinationId) ? event.destinations.find((d) => d.id === destinationId) : undefined;
    if (!found) throw ApiError.notFound(`Destination ${destinationId.slice(0, 64)}`);
    if (event.status !== 'standby' && event.status !== 'live') {
      throw new ApiError(
        ApiErrorCode.Conflict,
        `Event is ${event.status}, not on air: start it with POST /v1/events/:id/start (its destinations start with it)`,
      );
    }
    // Queued first: if Redis refuses, nothing changed. The relay's own state writes win over this one.
    await this.pipeline.request(EventPipelineJob.RetryLeg, eventId, { destinationId });
    await this.destinations.markRetryRequested(eventId, destinationId);
    const current = await this.destinations.find(eventId, destinationId);
    return presentDestination(current ?? found, event);
  }
}

import { Injectable } from '@nestjs/common';
import type { DestinationJson } from '@relay/contracts';
import { maskStreamKey } from '@relay/media';
import { EventPipelineJob } from '@relay/queue';
import { isUuid } from '../../common/validation/is-uuid';
import { ApiError } from '../../common/errors/api-error';
import { EventsService } from '../events/events.service';
import { PipelineQueueService } from '../pipeline/pipeline-queue.service';
import type { CreateDestinationDto } from './dto/create-destination.dto';
import { DestinationsRepository } from './destinations.repository';

/** Destinations of an event; a running pipeline picks changes up from a sync job. */
@Injectable()
export class DestinationsService {
  constructor(
    private readonly events: EventsService,
    private readonly destinations: DestinationsRepository,
    private readonly pipeline: PipelineQueueService,
  ) {}

  async create(organizationId: string, eventId: string, dto: CreateDestinationDto): Promise<DestinationJson> {
    await this.events.get(organizationId, eventId);
    // "rtmps://live-api-s.facebook.com:443/rtmp/" is how platforms print it: the leg adds the "/".
    const url = dto.url.replace(/\/+$/, '');
    const created = await this.destinations.create(eventId, {
      name: dto.name,
      url,
      streamKey: dto.streamKey ?? null,
    });
    await this.pipeline.request(EventPipelineJob.Sync, eventId);
    return {
      id: created.id,
      name: created.name,
      url: created.url,
      streamKeyMasked: maskStreamKey(created.streamKey),
      state: created.state,
      restarts: created.restarts,
    };
  }

  async remove(organizationId: string, eventId: string, destinationId: string): Promise<void> {
    await this.events.get(organizationId, eventId);
    const deleted = isUuid(destinationId) && (await this.destinations.delete(eventId, destinationId));
    if (!deleted) throw ApiError.notFound(`Destination ${destinationId.slice(0, 64)}`);
    await this.pipeline.request(EventPipelineJob.Sync, eventId);
  }
}

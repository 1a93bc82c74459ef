import { Injectable } from '@nestjs/common';
import { REHEARSAL_LIMITS, type RehearsalJson } from '@relay/contracts';
import { DatabaseError } from '@relay/prisma';
import { EventPipelineJob } from '@relay/queue';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { isUuid } from '../../common/validation/is-uuid';
import { EventsService } from '../events/events.service';
import { PipelineQueueService } from '../pipeline/pipeline-queue.service';
import type { CreateRehearsalDto } from './dto/create-rehearsal.dto';
import { presentRehearsal } from './rehearsal.presenter';
import { RehearsalsRepository } from './rehearsals.repository';

const LIST_LIMIT = 50;

/** The dashboard's "drop the primary" button: checks the event can rehearse, records it, asks the relay. */
@Injectable()
export class RehearsalsService {
  constructor(
    private readonly events: EventsService,
    private readonly rehearsals: RehearsalsRepository,
    private readonly pipeline: PipelineQueueService,
  ) {}

  async create(organizationId: string, eventId: string, dto: CreateRehearsalDto): Promise<RehearsalJson> {
    const event = await this.events.get(organizationId, eventId);
    const conflict = (message: string) => new ApiError(ApiErrorCode.Conflict, message);
    if (event.status !== 'live') {
      throw conflict(
        'The event is not live: start it (POST /v1/events/:id/start) and wait until its status is "live"',
      );
    }
    if (event.ingests.find((i) => i.role === 'backup')?.state !== 'live') {
      throw conflict(
        'The backup is not live: connect the backup encoder to ingest.backup.url and wait until its state is "live"',
      );
    }
    if (event.activeInput !== 'primary') {
      throw conflict(
        'The program is not on the primary: a rehearsal drops the primary, so wait until activeInput is "primary"',
      );
    }
    let created;
    try {
      created = await this.rehearsals.createRunning(
        eventId,
        dto.durationMs ?? REHEARSAL_LIMITS.durationMs.default,
      );
    } catch (error) {
      if (error instanceof DatabaseError && error.kind === 'unique-violation') {
        throw conflict(
          'A rehearsal is already running for this event: wait until its status is no longer "running"',
        );
      }
      throw error;
    }
    await this.pipeline.request(EventPipelineJob.Rehearse, eventId, { rehearsalId: created.id });
    return presentRehearsal(created);
  }

  async list(organizationId: string, eventId: string): Promise<{ items: RehearsalJson[] }> {
    await this.events.get(organizationId, eventId);
    return { items: (await this.rehearsals.list(eventId, LIST_LIMIT)).map(presentRehearsal) };
  }

  async get(organizationId: string, eventId: string, id: string): Promise<RehearsalJson> {
    await this.events.get(organizationId, eventId);
    const rehearsal = isUuid(id) ? await this.rehearsals.find(eventId, id) : null;
    if (!rehearsal) throw ApiError.notFound(`Rehearsal ${id.slice(0, 64)}`);
    return presentRehearsal(rehearsal);
  }
}

import {
  Body,
  Controller,
  DefaultValuePipe,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import type { EventJson } from '@relay/contracts';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { CreateEventDto } from './dto/create-event.dto';
import { UpdateEventDto } from './dto/update-event.dto';
import { EVENTS_PAGE_MAX, EventsService } from './events.service';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  create(@OrganizationId() org: string, @Body() body: CreateEventDto): Promise<EventJson> {
    return this.events.create(org, body);
  }

  @Get()
  list(
    @OrganizationId() org: string,
    @Query('limit', new DefaultValuePipe(50), new ParseIntPipe({ exceptionFactory: () => limitError() }))
    limit: number,
    @Query('cursor') cursor?: string,
  ): Promise<{ items: EventJson[]; nextCursor: string | null }> {
    if (limit < 1 || limit > EVENTS_PAGE_MAX) throw limitError();
    return this.events.list(org, limit, cursor);
  }

  @Get(':id')
  async get(@OrganizationId() org: string, @Param('id') id: string): Promise<EventJson> {
    return this.events.present(await this.events.get(org, id));
  }

  @Patch(':id')
  @RequiresJobQueue()
  update(
    @OrganizationId() org: string,
    @Param('id') id: string,
    @Body() body: UpdateEventDto,
  ): Promise<EventJson> {
    return this.events.update(org, id, body);
  }

  @Delete(':id')
  @RequiresJobQueue()
  @HttpCode(204)
  remove(@OrganizationId() org: string, @Param('id') id: string): Promise<void> {
    return this.events.remove(org, id);
  }

  @Post(':id/start')
  @RequiresJobQueue()
  @HttpCode(202)
  start(@OrganizationId() org: string, @Param('id') id: string): Promise<EventJson> {
    return this.events.start(org, id);
  }

  /** New stream key for the `primary` or `backup` ingest; the old one is refused and cut at once. */
  @Post(':id/ingest/:role/rotate-key')
  @RequiresJobQueue()
  @HttpCode(200)
  rotateKey(
    @OrganizationId() org: string,
    @Param('id') id: string,
    @Param('role') role: string,
  ): Promise<EventJson> {
    if (role !== 'primary' && role !== 'backup') throw ApiError.notFound(`Ingest ${role.slice(0, 16)}`);
    return this.events.rotateStreamKey(org, id, role);
  }

  @Post(':id/stop')
  @RequiresJobQueue()
  @HttpCode(202)
  stop(@OrganizationId() org: string, @Param('id') id: string): Promise<EventJson> {
    return this.events.stop(org, id);
  }
}

function limitError(): ApiError {
  const message = `limit must be an integer from 1 to ${EVENTS_PAGE_MAX}`;
  return new ApiError(ApiErrorCode.ValidationFailed, message, [{ field: 'limit', rule: 'range', message }]);
}

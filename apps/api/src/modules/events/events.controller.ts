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
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { EventJson } from '@relay/contracts';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import { EventPageSchema, EventSchema } from '../../openapi/event.schema';
import { CreateEventDto } from './dto/create-event.dto';
import { UpdateEventDto } from './dto/update-event.dto';
import { EVENTS_PAGE_MAX, EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(401, 429)
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @ApiOperation({ summary: 'Create an event with its primary and backup ingest' })
  @ApiBody({
    type: CreateEventDto,
    examples: {
      minimal: { summary: 'Defaults for everything but the name', value: { name: 'Sunday service' } },
      tuned: {
        summary: 'Sticky failover, quicker stall detection, patient legs',
        value: {
          name: 'Conference keynote',
          failover: { mode: 'sticky', stallTimeoutMs: 800, switchAt: 'cached-keyframe' },
          legPolicy: { maxBackoffMs: 60000, giveUpAfterFailures: 0 },
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: EventSchema,
    description: 'The event, ingest stream keys shown in full this once',
  })
  @ApiErrors(400, 402)
  @Post()
  create(@OrganizationId() org: string, @Body() body: CreateEventDto): Promise<EventJson> {
    return this.events.create(org, body);
  }

  @ApiOperation({ summary: "List the organization's events, newest first" })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1 to 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: EventPageSchema })
  @ApiErrors(400)
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

  @ApiOperation({ summary: 'Get an event' })
  @ApiOkResponse({ type: EventSchema })
  @ApiErrors(404)
  @Get(':id')
  async get(@OrganizationId() org: string, @Param('id') id: string): Promise<EventJson> {
    return this.events.present(await this.events.get(org, id));
  }

  @ApiOperation({ summary: "Change an event's name, failover settings or leg policy" })
  @ApiOkResponse({ type: EventSchema })
  @ApiErrors(400, 404, 409, 503)
  @Patch(':id')
  @RequiresJobQueue()
  update(
    @OrganizationId() org: string,
    @Param('id') id: string,
    @Body() body: UpdateEventDto,
  ): Promise<EventJson> {
    return this.events.update(org, id, body);
  }

  @ApiOperation({ summary: 'Delete an event (stopping it first if on air)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 503)
  @Delete(':id')
  @RequiresJobQueue()
  @HttpCode(204)
  remove(@OrganizationId() org: string, @Param('id') id: string): Promise<void> {
    return this.events.remove(org, id);
  }

  @ApiOperation({ summary: 'Put the event on standby: its ingest accepts encoders and legs start' })
  @ApiAcceptedResponse({ type: EventSchema })
  @ApiErrors(402, 404, 409, 503)
  @Post(':id/start')
  @RequiresJobQueue()
  @HttpCode(202)
  start(@OrganizationId() org: string, @Param('id') id: string): Promise<EventJson> {
    return this.events.start(org, id);
  }

  /** New stream key for the `primary` or `backup` ingest; the old one is refused and cut at once. */
  @ApiOperation({ summary: 'New stream key for one ingest; the old one is refused and cut at once' })
  @ApiParam({ name: 'role', enum: ['primary', 'backup'] })
  @ApiOkResponse({ type: EventSchema, description: 'The event, the new stream key shown in full this once' })
  @ApiErrors(404, 503)
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

  @ApiOperation({ summary: 'End the event: legs closed, ingest refused' })
  @ApiAcceptedResponse({ type: EventSchema })
  @ApiErrors(404, 409, 503)
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

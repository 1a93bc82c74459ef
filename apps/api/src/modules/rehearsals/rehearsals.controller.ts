import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RehearsalJson } from '@relay/contracts';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import { RehearsalListSchema, RehearsalSchema } from '../../openapi/resources.schema';
import { CreateRehearsalDto } from './dto/create-rehearsal.dto';
import { RehearsalsService } from './rehearsals.service';

@ApiTags('rehearsals')
@ApiBearerAuth()
@ApiErrors(401, 404, 429)
@Controller('v1/events/:eventId/rehearsals')
@UseGuards(ApiKeyGuard)
export class RehearsalsController {
  constructor(private readonly rehearsals: RehearsalsService) {}

  @ApiOperation({ summary: 'Start a failover rehearsal on the live event' })
  @ApiAcceptedResponse({ type: RehearsalSchema })
  @ApiErrors(400, 409, 503)
  @Post()
  @HttpCode(202)
  @RequiresJobQueue()
  create(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Body() body: CreateRehearsalDto,
  ): Promise<RehearsalJson> {
    return this.rehearsals.create(org, eventId, body);
  }

  @ApiOperation({ summary: "List the event's rehearsals" })
  @ApiOkResponse({ type: RehearsalListSchema })
  @Get()
  list(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
  ): Promise<{ items: RehearsalJson[] }> {
    return this.rehearsals.list(org, eventId);
  }

  @ApiOperation({ summary: 'Get a rehearsal and its findings' })
  @ApiOkResponse({ type: RehearsalSchema })
  @Get(':rehearsalId')
  get(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Param('rehearsalId') id: string,
  ): Promise<RehearsalJson> {
    return this.rehearsals.get(org, eventId, id);
  }
}

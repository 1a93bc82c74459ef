import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import { TimelinePageSchema } from '../../openapi/resources.schema';
import type { TimelinePageJson } from './timeline.presenter';
import { TimelineService } from './timeline.service';

/** `GET /v1/events/:eventId/timeline?limit=&after=`: the event's timeline, oldest first, paginated. */
@ApiTags('timeline')
@ApiBearerAuth()
@ApiErrors(401, 429)
@Controller('v1/events/:eventId/timeline')
@UseGuards(ApiKeyGuard)
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @ApiOperation({ summary: "The event's timeline, oldest first, paginated" })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'after', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiErrors(400, 404)
  @Get()
  list(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<TimelinePageJson> {
    return this.timeline.page(org, eventId, { limit, after });
  }
}

import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import type { TimelinePageJson } from './timeline.presenter';
import { TimelineService } from './timeline.service';

/** `GET /v1/events/:eventId/timeline?limit=&after=`: the event's timeline, oldest first, paginated. */
@Controller('v1/events/:eventId/timeline')
@UseGuards(ApiKeyGuard)
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

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

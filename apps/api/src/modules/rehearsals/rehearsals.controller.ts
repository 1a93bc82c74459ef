import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { RehearsalJson } from '@relay/contracts';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { CreateRehearsalDto } from './dto/create-rehearsal.dto';
import { RehearsalsService } from './rehearsals.service';

@Controller('v1/events/:eventId/rehearsals')
@UseGuards(ApiKeyGuard)
export class RehearsalsController {
  constructor(private readonly rehearsals: RehearsalsService) {}

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

  @Get()
  list(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
  ): Promise<{ items: RehearsalJson[] }> {
    return this.rehearsals.list(org, eventId);
  }

  @Get(':rehearsalId')
  get(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Param('rehearsalId') id: string,
  ): Promise<RehearsalJson> {
    return this.rehearsals.get(org, eventId, id);
  }
}

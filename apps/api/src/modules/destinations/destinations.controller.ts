import { Body, Controller, Delete, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import type { DestinationJson } from '@relay/contracts';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { CreateDestinationDto } from './dto/create-destination.dto';
import { UpdateDestinationDto } from './dto/update-destination.dto';
import { DestinationsService } from './destinations.service';

@Controller('v1/events/:eventId/destinations')
@UseGuards(ApiKeyGuard)
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Post()
  @RequiresJobQueue()
  create(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Body() body: CreateDestinationDto,
  ): Promise<DestinationJson> {
    return this.destinations.create(org, eventId, body);
  }

  @Patch(':destinationId')
  @RequiresJobQueue()
  update(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Param('destinationId') destinationId: string,
    @Body() body: UpdateDestinationDto,
  ): Promise<DestinationJson> {
    return this.destinations.update(org, eventId, destinationId, body);
  }

  /** Starts the destination's leg again now, its failures forgotten; 409 when the event is not on air. */
  @Post(':destinationId/retry')
  @HttpCode(202)
  @RequiresJobQueue()
  retry(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Param('destinationId') destinationId: string,
  ): Promise<DestinationJson> {
    return this.destinations.retry(org, eventId, destinationId);
  }

  @Delete(':destinationId')
  @HttpCode(204)
  @RequiresJobQueue()
  remove(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Param('destinationId') destinationId: string,
  ): Promise<void> {
    return this.destinations.remove(org, eventId, destinationId);
  }
}

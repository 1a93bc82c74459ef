import { Body, Controller, Delete, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { DestinationJson } from '@relay/contracts';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import { DestinationSchema } from '../../openapi/event.schema';
import { CreateDestinationDto } from './dto/create-destination.dto';
import { UpdateDestinationDto } from './dto/update-destination.dto';
import { DestinationsService } from './destinations.service';

@ApiTags('destinations')
@ApiBearerAuth()
@ApiErrors(401, 404, 429, 503)
@Controller('v1/events/:eventId/destinations')
@UseGuards(ApiKeyGuard)
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @ApiOperation({ summary: 'Add a destination (an RTMP, RTMPS or SRT endpoint) to the event' })
  @ApiBody({
    type: CreateDestinationDto,
    examples: {
      rtmp: {
        summary: 'RTMP platform',
        value: { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'abcd-efgh-ijkl-mnop' },
      },
      srt: {
        summary: 'SRT endpoint: the stream key is the SRT streamid',
        value: {
          name: 'SRT server',
          url: 'srt://srt.example.com:9000',
          streamKey: '#!::r=live/show,m=publish',
          passphrase: 'correct-horse-battery',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: DestinationSchema })
  @ApiErrors(400, 402, 409)
  @Post()
  @RequiresJobQueue()
  create(
    @OrganizationId() org: string,
    @Param('eventId') eventId: string,
    @Body() body: CreateDestinationDto,
  ): Promise<DestinationJson> {
    return this.destinations.create(org, eventId, body);
  }

  @ApiOperation({ summary: 'Rename a destination or change its leg policy overrides' })
  @ApiOkResponse({ type: DestinationSchema })
  @ApiErrors(400)
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
  @ApiOperation({ summary: "Start the destination's leg again now, its failures forgotten" })
  @ApiAcceptedResponse({ type: DestinationSchema })
  @ApiErrors(409)
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

  @ApiOperation({ summary: 'Remove a destination (its leg is closed)' })
  @ApiNoContentResponse({ description: 'Removed' })
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

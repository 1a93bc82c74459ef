import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, type AuthenticatedRequest } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import { ApiEventStreamResponse } from '../../openapi/event-stream.schema';
import { EventStreamService, MAX_STREAMS_PER_API_KEY } from './event-stream.service';

/**
 * A plain `@Get` writing to the response rather than `@Sse()`: with a global interceptor (there is
 * one) Nest subscribes an `@Sse()` handler's result only after it has sent the 200 headers, so a 404 or
 * 429 found by an async check would reach the client as an `error` frame of a 200 stream; and `@Sse()`
 * fixes its own `Cache-Control` and numbers every frame.
 */
@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(401, 404, 429)
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventStreamController {
  constructor(private readonly streams: EventStreamService) {}

  @ApiOperation({
    summary: 'Live status stream of an event (Server-Sent Events), for dashboards',
    description:
      'Sends `event` (the event JSON of GET /v1/events/:id) at once and on every change, `rehearsal` (the ' +
      'latest rehearsal JSON) at once if any and on every change, `timeline` (one timeline entry JSON) ' +
      'for each entry written after connecting, and a `: keep-alive` comment every 15 s. Read it with ' +
      'fetch() streaming (EventSource cannot send the Authorization header). At most ' +
      `${MAX_STREAMS_PER_API_KEY} open streams per API key: one more answers 429 rate_limited.`,
  })
  @ApiEventStreamResponse()
  @Get(':id/stream')
  async stream(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    await this.streams.open(request.organizationId, request.apiKeyId, id, request, response);
  }
}

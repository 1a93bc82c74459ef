import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, getSchemaPath } from '@nestjs/swagger';
import { EventSchema } from './event.schema';
import { RehearsalSchema, TimelineEntrySchema } from './resources.schema';

const EXAMPLE = [
  'event: event',
  'data: {"id":"6f1c…","status":"live","activeInput":"backup",…}',
  '',
  'event: timeline',
  'data: {"id":"42","at":"2026-11-21T09:00:00.000Z","type":"failover","input":"backup","detail":{…}}',
  '',
  ': keep-alive',
  '',
].join('\n');

/**
 * The 200 answer of `GET /v1/events/:id/stream`: `text/event-stream` whose frames carry, in `data`, an
 * {@link EventSchema} (`event: event`), a {@link RehearsalSchema} (`event: rehearsal`) or a
 * {@link TimelineEntrySchema} (`event: timeline`).
 */
export function ApiEventStreamResponse(): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(EventSchema, RehearsalSchema, TimelineEntrySchema),
    ApiProduces('text/event-stream'),
    ApiOkResponse({
      description:
        'Server-Sent Events (Cache-Control: no-cache). `event: event` frames carry ' +
        `${getSchemaPath(EventSchema)}, \`event: rehearsal\` frames ${getSchemaPath(RehearsalSchema)}, ` +
        `\`event: timeline\` frames ${getSchemaPath(TimelineEntrySchema)}, each as one \`data:\` line of JSON.`,
      content: {
        'text/event-stream': {
          schema: { type: 'string', description: 'A stream of SSE frames' },
          example: EXAMPLE,
        },
      },
    }),
  );
}

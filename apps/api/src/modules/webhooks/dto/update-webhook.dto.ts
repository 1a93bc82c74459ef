import { WEBHOOK_EVENT_TYPES, WEBHOOK_URL_MAX_LENGTH } from '@relay/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';

const EVENTS_MESSAGE = `events must be a list of: ${WEBHOOK_EVENT_TYPES.join(', ')}`;

/** Body of `PATCH /v1/webhooks/:id`: any subset; `description: null` clears it. */
export class UpdateWebhookDto {
  @IsOptional()
  @IsString({ message: 'url must be a string' })
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @IsOptional()
  @IsArray({ message: EVENTS_MESSAGE })
  @ArrayMinSize(1, { message: 'events must name at least one event type' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique({ message: 'events must not repeat an event type' })
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENTS_MESSAGE })
  events?: string[];

  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @IsString({ message: 'description must be a string or null' })
  @MaxLength(500)
  description?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

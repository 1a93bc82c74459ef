import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_URL_MAX_LENGTH } from '@relay/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';

const EVENTS_MESSAGE = `events must be a list of: ${WEBHOOK_EVENT_TYPES.join(', ')}`;

/** Body of `POST /v1/webhooks`. The URL's scheme and address are checked by the service. */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/relay' })
  @IsString({ message: 'url must be a string' })
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_TYPES, example: [WEBHOOK_EVENT_TYPES[0]] })
  @IsArray({ message: EVENTS_MESSAGE })
  @ArrayMinSize(1, { message: 'events must name at least one event type' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique({ message: 'events must not repeat an event type' })
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENTS_MESSAGE })
  events!: string[];

  @ApiPropertyOptional({ example: 'Ops channel', maxLength: 500 })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(500)
  description?: string;
}

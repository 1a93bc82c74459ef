import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EVENT_NAME_MAX_LENGTH } from './create-event.dto';
import { FailoverSettingsDto } from './failover-settings.dto';
import { LegPolicyDto } from './leg-policy.dto';

/** Body of `PATCH /v1/events/:id`: any subset of the event's settings. */
export class UpdateEventDto {
  @ApiPropertyOptional({ example: 'Sunday service (late)', maxLength: EVENT_NAME_MAX_LENGTH })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(EVENT_NAME_MAX_LENGTH)
  name?: string;

  @ApiPropertyOptional({ type: FailoverSettingsDto })
  @IsOptional()
  @IsObject({ message: 'failover must be an object' })
  @ValidateNested()
  @Type(() => FailoverSettingsDto)
  failover?: FailoverSettingsDto;

  /** Leg supervision defaults of the event's destinations. */
  @ApiPropertyOptional({ type: LegPolicyDto })
  @IsOptional()
  @IsObject({ message: 'legPolicy must be an object' })
  @ValidateNested()
  @Type(() => LegPolicyDto)
  legPolicy?: LegPolicyDto;
}

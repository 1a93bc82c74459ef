import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { FailoverSettingsDto } from './failover-settings.dto';
import { LegPolicyDto } from './leg-policy.dto';

export const EVENT_NAME_MAX_LENGTH = 200;

/** Body of `POST /v1/events`. */
export class CreateEventDto {
  @ApiProperty({ example: 'Sunday service', maxLength: EVENT_NAME_MAX_LENGTH })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(EVENT_NAME_MAX_LENGTH)
  name!: string;

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

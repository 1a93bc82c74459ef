import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { LegPolicyDto } from '../../events/dto/leg-policy.dto';

/**
 * Body of `PATCH /v1/events/:id/destinations/:destinationId`. In `legPolicy`, a number overrides the
 * event's value for this destination and `null` goes back to the event's value.
 */
export class UpdateDestinationDto {
  @ApiPropertyOptional({ example: 'YouTube (main)', maxLength: 200 })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: LegPolicyDto, description: 'null in a field goes back to the event value' })
  @IsOptional()
  @IsObject({ message: 'legPolicy must be an object' })
  @ValidateNested()
  @Type(() => LegPolicyDto)
  legPolicy?: LegPolicyDto;
}

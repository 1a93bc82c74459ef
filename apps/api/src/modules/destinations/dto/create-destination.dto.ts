import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { LegPolicyDto } from '../../events/dto/leg-policy.dto';

/** Accepts `rtmp://host[:port]/app[/…]` and `rtmps://…`: a host and at least an application name. */
@ValidatorConstraint({ name: 'isPublishUrl' })
export class IsPublishUrl implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'rtmp:' || url.protocol === 'rtmps:') &&
        url.hostname.length > 0 &&
        url.username === '' &&
        url.pathname.replace(/\/+$/, '').length > 1 &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'url must be an rtmp:// or rtmps:// URL with a host and an application, e.g. rtmp://a.rtmp.youtube.com/live2';
  }
}

/** Body of `POST /v1/events/:id/destinations`. */
export class CreateDestinationDto {
  @ApiProperty({ example: 'YouTube', maxLength: 200 })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    example: 'rtmp://a.rtmp.youtube.com/live2',
    description: 'rtmp:// or rtmps:// with a host and an application',
  })
  @IsString({ message: 'url must be a string' })
  @MaxLength(1024)
  @Validate(IsPublishUrl)
  url!: string;

  @ApiPropertyOptional({ example: 'abcd-efgh-ijkl-mnop', description: 'Stored encrypted; answered masked' })
  @IsOptional()
  @IsString({ message: 'streamKey must be a string' })
  @MaxLength(512)
  @Matches(/^[\x21-\x7e]+$/, { message: 'streamKey must be printable ASCII without spaces' })
  streamKey?: string;

  /** Overrides of the event's leg supervision policy for this destination. */
  @ApiPropertyOptional({ type: LegPolicyDto })
  @IsOptional()
  @IsObject({ message: 'legPolicy must be an object' })
  @ValidateNested()
  @Type(() => LegPolicyDto)
  legPolicy?: LegPolicyDto;
}

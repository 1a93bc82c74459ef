import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Validate,
  ValidateNested,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { LegPolicyDto } from '../../events/dto/leg-policy.dto';

/**
 * Why `value` is not a destination URL, or null when it is one:
 * - `rtmp://host[:port]/app[/…]` or `rtmps://…`: a host and at least an application name;
 * - `srt://host:port`: a host and a port (1–65535), nothing else: the streamid and passphrase have
 *   their own fields (`streamKey`, `passphrase`), so a query string is refused.
 */
export function publishUrlProblem(value: unknown): string | null {
  const rtmpHelp =
    'url must be an rtmp://, rtmps:// or srt:// URL, e.g. rtmp://a.rtmp.youtube.com/live2 or srt://srt.example.com:9000';
  if (typeof value !== 'string') return rtmpHelp;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return rtmpHelp;
  }
  if (url.protocol === 'srt:') {
    // WHATWG URL drops an empty query ("?"), so look at the text as well.
    if (url.search !== '' || value.includes('?'))
      return 'url must not have a query string: give the SRT streamid as streamKey and the passphrase as passphrase';
    // A port out of 1–65535 makes new URL() throw; the default port of an unknown scheme is "".
    if (url.hostname.length === 0 || url.port === '' || url.port === '0')
      return 'url must be srt://host:port with a port from 1 to 65535, e.g. srt://srt.example.com:9000';
    if (
      url.username !== '' ||
      url.password !== '' ||
      url.pathname.replace(/\/+$/, '') !== '' ||
      url.hash !== ''
    )
      return 'url must be srt://host:port with nothing after the port';
    return null;
  }
  const ok =
    (url.protocol === 'rtmp:' || url.protocol === 'rtmps:') &&
    url.hostname.length > 0 &&
    url.username === '' &&
    url.pathname.replace(/\/+$/, '').length > 1 &&
    url.search === '' &&
    url.hash === '';
  return ok ? null : rtmpHelp;
}

/** See {@link publishUrlProblem}. */
@ValidatorConstraint({ name: 'isPublishUrl' })
export class IsPublishUrl implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return publishUrlProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return publishUrlProblem(args.value) ?? 'url is not valid';
  }
}

/** A passphrase only makes sense for an srt:// destination (SRT AES encryption). */
@ValidatorConstraint({ name: 'isSrtOnly' })
export class IsSrtOnly implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const url = (args.object as { url?: unknown }).url;
    return typeof url === 'string' && /^srt:\/\//i.test(url);
  }

  defaultMessage(): string {
    return 'passphrase is only for srt:// destinations';
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
    description:
      'rtmp:// or rtmps:// with a host and an application (the leg publishes to url + "/" + streamKey), or ' +
      'srt://host:port with no query string (the leg sends MPEG-TS with streamKey as the SRT streamid)',
  })
  @IsString({ message: 'url must be a string' })
  @MaxLength(1024)
  @Validate(IsPublishUrl)
  url!: string;

  @ApiPropertyOptional({
    example: 'abcd-efgh-ijkl-mnop',
    maxLength: 512,
    description:
      'The stream key; for srt:// the SRT streamid (at most 512 characters, SRT access control), e.g. ' +
      '"#!::r=live/abcd,m=publish". Stored encrypted; answered masked',
  })
  @IsOptional()
  @IsString({ message: 'streamKey must be a string' })
  @MaxLength(512, { message: 'streamKey must be at most 512 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'streamKey must be printable ASCII without spaces' })
  streamKey?: string;

  @ApiPropertyOptional({
    example: 'correct-horse-battery',
    minLength: 10,
    maxLength: 79,
    description:
      'srt:// only: the SRT passphrase (AES encryption, 10–79 characters, libsrt SRTO_PASSPHRASE). ' +
      'Stored encrypted; never answered (passphraseMasked)',
  })
  @IsOptional()
  @IsString({ message: 'passphrase must be a string' })
  @Validate(IsSrtOnly)
  @Length(10, 79, { message: 'passphrase must be 10 to 79 characters (SRT)' })
  @Matches(/^[\x20-\x7e]+$/, { message: 'passphrase must be printable ASCII' })
  passphrase?: string;

  /** Overrides of the event's leg supervision policy for this destination. */
  @ApiPropertyOptional({ type: LegPolicyDto })
  @IsOptional()
  @IsObject({ message: 'legPolicy must be an object' })
  @ValidateNested()
  @Type(() => LegPolicyDto)
  legPolicy?: LegPolicyDto;
}

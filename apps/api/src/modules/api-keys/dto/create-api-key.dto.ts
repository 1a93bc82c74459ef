import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /v1/api-keys`. */
export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI deploys', maxLength: 200 })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name!: string;
}

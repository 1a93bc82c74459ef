import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /v1/api-keys`. */
export class CreateApiKeyDto {
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name!: string;
}

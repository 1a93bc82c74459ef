import { ApiPropertyOptional } from '@nestjs/swagger';
import { REHEARSAL_LIMITS } from '@relay/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Body of `POST /v1/events/:id/rehearsals`. */
export class CreateRehearsalDto {
  @ApiPropertyOptional({
    example: 60_000,
    minimum: REHEARSAL_LIMITS.durationMs.min,
    maximum: REHEARSAL_LIMITS.durationMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'durationMs must be an integer (ms)' })
  @Min(REHEARSAL_LIMITS.durationMs.min)
  @Max(REHEARSAL_LIMITS.durationMs.max)
  durationMs?: number;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { LEG_POLICY_LIMITS } from '@relay/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const limits = LEG_POLICY_LIMITS;

/**
 * `legPolicy` of an event (defaults of its destinations) or of a destination (overrides); every field
 * optional. Defaults: backoff capped at 30000 ms, give up after 10 failures within 600000 ms. On a
 * destination, `null` means the event's value; on an event it is ignored.
 */
export class LegPolicyDto {
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 30_000,
    minimum: limits.maxBackoffMs.min,
    maximum: limits.maxBackoffMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'legPolicy.maxBackoffMs must be an integer (ms)' })
  @Min(limits.maxBackoffMs.min, {
    message: `legPolicy.maxBackoffMs must be at least ${limits.maxBackoffMs.min} ms`,
  })
  @Max(limits.maxBackoffMs.max, {
    message: `legPolicy.maxBackoffMs must be at most ${limits.maxBackoffMs.max} ms`,
  })
  maxBackoffMs?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 10,
    minimum: limits.giveUpAfterFailures.min,
    maximum: limits.giveUpAfterFailures.max,
  })
  @IsOptional()
  @IsInt({ message: 'legPolicy.giveUpAfterFailures must be an integer (0: never give up)' })
  @Min(limits.giveUpAfterFailures.min, {
    message: 'legPolicy.giveUpAfterFailures must be 0 (never give up) or more',
  })
  @Max(limits.giveUpAfterFailures.max, {
    message: `legPolicy.giveUpAfterFailures must be at most ${limits.giveUpAfterFailures.max}`,
  })
  giveUpAfterFailures?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 600_000,
    minimum: limits.giveUpWindowMs.min,
    maximum: limits.giveUpWindowMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'legPolicy.giveUpWindowMs must be an integer (ms)' })
  @Min(limits.giveUpWindowMs.min, {
    message: `legPolicy.giveUpWindowMs must be at least ${limits.giveUpWindowMs.min} ms`,
  })
  @Max(limits.giveUpWindowMs.max, {
    message: `legPolicy.giveUpWindowMs must be at most ${limits.giveUpWindowMs.max} ms (24 h)`,
  })
  giveUpWindowMs?: number | null;
}

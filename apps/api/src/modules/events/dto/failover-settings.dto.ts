import { ApiPropertyOptional } from '@nestjs/swagger';
import { FAILOVER_LIMITS, type FailoverMode, type SwitchAt } from '@relay/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';

const limits = FAILOVER_LIMITS;

/** `failover.flapDamping`; every field optional (defaults: 3 failovers within 60000 ms, stable 60000 ms). */
export class FlapDampingDto {
  @ApiPropertyOptional({
    example: 3,
    minimum: limits.flapMaxFailovers.min,
    maximum: limits.flapMaxFailovers.max,
  })
  @IsOptional()
  @IsInt({ message: 'failover.flapDamping.maxFailovers must be an integer (0 disables damping)' })
  @Min(limits.flapMaxFailovers.min)
  @Max(limits.flapMaxFailovers.max)
  maxFailovers?: number;

  @ApiPropertyOptional({
    example: 60_000,
    minimum: limits.flapWindowMs.min,
    maximum: limits.flapWindowMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'failover.flapDamping.windowMs must be an integer (ms)' })
  @Min(limits.flapWindowMs.min)
  @Max(limits.flapWindowMs.max)
  windowMs?: number;

  @ApiPropertyOptional({
    example: 60_000,
    minimum: limits.flapStableMs.min,
    maximum: limits.flapStableMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'failover.flapDamping.stableMs must be an integer (ms)' })
  @Min(limits.flapStableMs.min)
  @Max(limits.flapStableMs.max)
  stableMs?: number;
}

/** `failover` object of the event body; every field optional (defaults in FAILOVER_LIMITS and README). */
export class FailoverSettingsDto {
  @ApiPropertyOptional({ enum: ['primary-preferred', 'sticky'], example: 'primary-preferred' })
  @IsOptional()
  @IsIn(['primary-preferred', 'sticky'], { message: 'failover.mode must be "primary-preferred" or "sticky"' })
  mode?: FailoverMode;

  @ApiPropertyOptional({
    example: 1000,
    minimum: limits.stallTimeoutMs.min,
    maximum: limits.stallTimeoutMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'failover.stallTimeoutMs must be an integer (ms)' })
  @Min(limits.stallTimeoutMs.min)
  @Max(limits.stallTimeoutMs.max)
  stallTimeoutMs?: number;

  @ApiPropertyOptional({
    example: 5000,
    minimum: limits.failbackAfterMs.min,
    maximum: limits.failbackAfterMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'failover.failbackAfterMs must be an integer (ms)' })
  @Min(limits.failbackAfterMs.min)
  @Max(limits.failbackAfterMs.max)
  failbackAfterMs?: number;

  @ApiPropertyOptional({ enum: ['cached-keyframe', 'next-keyframe'], example: 'cached-keyframe' })
  @IsOptional()
  @IsIn(['cached-keyframe', 'next-keyframe'], {
    message: 'failover.switchAt must be "cached-keyframe" or "next-keyframe"',
  })
  switchAt?: SwitchAt;

  @ApiPropertyOptional({
    example: 300_000,
    minimum: limits.slateTimeoutMs.min,
    maximum: limits.slateTimeoutMs.max,
  })
  @IsOptional()
  @IsInt({ message: 'failover.slateTimeoutMs must be an integer (ms; 0 disables the slate)' })
  @Min(limits.slateTimeoutMs.min)
  @Max(limits.slateTimeoutMs.max)
  slateTimeoutMs?: number;

  @ApiPropertyOptional({ type: FlapDampingDto })
  @IsOptional()
  @IsObject({ message: 'failover.flapDamping must be an object' })
  @ValidateNested()
  @Type(() => FlapDampingDto)
  flapDamping?: FlapDampingDto;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean({ message: 'failover.detectFrozenTimestamps must be true or false' })
  detectFrozenTimestamps?: boolean;
}

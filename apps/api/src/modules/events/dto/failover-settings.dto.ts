import { FAILOVER_LIMITS, type FailoverMode } from '@relay/contracts';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

const { stallTimeoutMs, failbackAfterMs } = FAILOVER_LIMITS;

/** `failover` object of the event body; every field optional (defaults: primary-preferred, 1000, 5000). */
export class FailoverSettingsDto {
  @IsOptional()
  @IsIn(['primary-preferred', 'sticky'], { message: 'failover.mode must be "primary-preferred" or "sticky"' })
  mode?: FailoverMode;

  @IsOptional()
  @IsInt({ message: 'failover.stallTimeoutMs must be an integer (ms)' })
  @Min(stallTimeoutMs.min)
  @Max(stallTimeoutMs.max)
  stallTimeoutMs?: number;

  @IsOptional()
  @IsInt({ message: 'failover.failbackAfterMs must be an integer (ms)' })
  @Min(failbackAfterMs.min)
  @Max(failbackAfterMs.max)
  failbackAfterMs?: number;
}

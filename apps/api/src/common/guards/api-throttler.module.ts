import { Logger, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { EnvironmentVariables } from '@relay/config';
import { ApiThrottlerGuard } from './api-throttler.guard';
import { FallbackThrottlerStorage } from './fallback-throttler-storage';

/**
 * The per-API-key rate limit (`API_RATE_LIMIT_MAX` requests per `API_RATE_LIMIT_WINDOW_SECONDS`), counted
 * in Redis so that every API process shares it; in memory per process while Redis is away.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [EnvironmentVariables],
      useFactory: (config: EnvironmentVariables) => ({
        throttlers: [{ ttl: config.API_RATE_LIMIT_WINDOW_SECONDS * 1000, limit: config.API_RATE_LIMIT_MAX }],
        storage: FallbackThrottlerStorage.connect(config.REDIS_URL, new Logger('RateLimit')),
      }),
    }),
  ],
  providers: [ApiThrottlerGuard],
  exports: [ApiThrottlerGuard],
})
export class ApiThrottlerModule {}

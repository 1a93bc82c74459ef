import { Global, Module } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiRateLimiter } from '../../common/guards/api-rate-limiter';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    ApiKeyGuard,
    // One counter per process, shared by every guard instance.
    {
      provide: ApiRateLimiter,
      inject: [EnvironmentVariables],
      useFactory: (config: EnvironmentVariables) =>
        new ApiRateLimiter(config.API_RATE_LIMIT_MAX, config.API_RATE_LIMIT_WINDOW_SECONDS * 1000),
    },
  ],
  exports: [ApiKeysRepository, ApiKeyGuard, ApiRateLimiter],
})
export class ApiKeysModule {}

import { Global, Module } from '@nestjs/common';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiThrottlerModule } from '../../common/guards/api-throttler.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

@Global()
@Module({
  imports: [ApiThrottlerModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeyGuard],
  exports: [ApiKeysRepository, ApiKeyGuard, ApiThrottlerModule],
})
export class ApiKeysModule {}

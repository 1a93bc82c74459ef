import { Global, Module } from '@nestjs/common';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiKeysRepository } from './api-keys.repository';

@Global()
@Module({
  providers: [ApiKeysRepository, ApiKeyGuard],
  exports: [ApiKeysRepository, ApiKeyGuard],
})
export class ApiKeysModule {}

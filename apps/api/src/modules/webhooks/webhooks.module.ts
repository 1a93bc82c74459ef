import { Module } from '@nestjs/common';
import { WebhookSecretMigration } from './webhook-secret-migration';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * `/v1/webhooks`: an organization's outgoing webhook endpoints and their recent deliveries; encrypts
 * clear-text signing secrets of older versions at start-up.
 */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksRepository, WebhookSecretMigration],
})
export class WebhooksModule {}

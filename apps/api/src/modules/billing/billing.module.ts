import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { BillingQueueName, redisConnectionFromUrl } from '@relay/queue';
import { BillingController } from './billing.controller';
import {
  BILLING_QUEUE_CONFIG,
  StripeEventsProcessor,
  UsageProcessor,
  UsageScheduler,
} from './billing.processors';
import { BillingRepository } from './billing.repository';
import { BillingService } from './billing.service';
import { PlanLimitsService } from './plan-limits.service';
import { stripeClientProvider } from './stripe-client';
import { StripeWebhookService } from './stripe-webhook.service';
import { UsageMeteringService } from './usage-metering.service';
import { UsageRepository } from './usage.repository';

/**
 * Stripe billing: plans and their limits ({@link PlanLimitsService}, global for the events and destinations
 * services), checkout and portal sessions, the webhook and its worker, usage metering. Without
 * STRIPE_SECRET_KEY only the (disabled) limits are provided: no routes, queues or workers.
 */
@Global()
@Module({})
export class BillingModule {
  static forRoot(config: EnvironmentVariables): DynamicModule {
    const base = [stripeClientProvider, BillingRepository, PlanLimitsService];
    if (!config.STRIPE_SECRET_KEY)
      return { module: BillingModule, providers: base, exports: [PlanLimitsService] };
    return {
      module: BillingModule,
      imports: [
        // Workers need a connection that waits for Redis; the webhook's add is bounded by addJobWithin.
        BullModule.forRoot(BILLING_QUEUE_CONFIG, { connection: redisConnectionFromUrl(config.REDIS_URL) }),
        BullModule.registerQueue(
          { name: BillingQueueName.StripeEvents, configKey: BILLING_QUEUE_CONFIG },
          { name: BillingQueueName.Usage, configKey: BILLING_QUEUE_CONFIG },
        ),
      ],
      controllers: [BillingController],
      providers: [
        ...base,
        BillingService,
        StripeWebhookService,
        UsageRepository,
        UsageMeteringService,
        StripeEventsProcessor,
        UsageProcessor,
        UsageScheduler,
      ],
      exports: [PlanLimitsService],
    };
  }
}

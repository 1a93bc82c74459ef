import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfigModule, EnvironmentVariables } from '@relay/config';
import { PrismaModule } from '@relay/prisma';
import { RedisAvailability, redisConnectionFromUrl } from '@relay/queue';
import { LoggerModule, type Params as LoggerParams } from 'nestjs-pino';
import { ApiExceptionFilter } from './common/filters/api-exception.filter';
import { JobQueueInterceptor } from './common/interceptors/job-queue.interceptor';
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { BillingModule } from './modules/billing/billing.module';
import { DashboardModule } from './modules/dashboard/dashboard.module';
import { DestinationsModule } from './modules/destinations/destinations.module';
import { EventStreamModule } from './modules/event-stream/event-stream.module';
import { EventsModule } from './modules/events/events.module';
import { HealthController } from './modules/health/health.controller';
import { MetricsModule } from './modules/metrics/metrics.module';
import { PipelineQueueModule } from './modules/pipeline/pipeline-queue.module';
import { RehearsalsModule } from './modules/rehearsals/rehearsals.module';
import { TimelineModule } from './modules/timeline/timeline.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

/** The REST API: `/healthz`, `/readyz` and `/v1/*`. */
@Module({})
export class ApiModule {
  /** `logging`: nestjs-pino parameters from `createAppLogging` (@relay/observability): request logs. */
  static forRoot(config: EnvironmentVariables, logging: LoggerParams): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        LoggerModule.forRoot(logging),
        AppConfigModule.forRoot(config),
        PrismaModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        // Fail fast: a request that needs the queue answers 503 rather than wait for Redis to return.
        BullModule.forRoot({ connection: redisConnectionFromUrl(config.REDIS_URL, { failFast: true }) }),
        PipelineQueueModule,
        MetricsModule,
        BillingModule.forRoot(config),
        ApiKeysModule,
        EventsModule,
        EventStreamModule,
        DestinationsModule,
        RehearsalsModule,
        TimelineModule,
        WebhooksModule,
        DashboardModule,
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: RedisAvailability,
          inject: [EnvironmentVariables],
          useFactory: async (env: EnvironmentVariables) => {
            const redis = new RedisAvailability(env.REDIS_URL, { logger: new Logger('Redis') });
            await redis.start();
            return redis;
          },
        },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: JobQueueInterceptor },
      ],
    };
  }
}

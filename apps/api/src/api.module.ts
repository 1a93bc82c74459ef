import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfigModule, type EnvironmentVariables } from '@relay/config';
import { PrismaModule } from '@relay/prisma';
import { redisConnectionFromUrl } from '@relay/queue';
import { ApiExceptionFilter } from './common/filters/api-exception.filter';
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { DestinationsModule } from './modules/destinations/destinations.module';
import { EventsModule } from './modules/events/events.module';
import { HealthController } from './modules/health/health.controller';
import { PipelineQueueModule } from './modules/pipeline/pipeline-queue.module';
import { RehearsalsModule } from './modules/rehearsals/rehearsals.module';
import { TimelineModule } from './modules/timeline/timeline.module';

/** The REST API: `/healthz` and `/v1/*`. */
@Module({})
export class ApiModule {
  static forRoot(config: EnvironmentVariables): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(config),
        PrismaModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        BullModule.forRoot({ connection: redisConnectionFromUrl(config.REDIS_URL) }),
        PipelineQueueModule,
        ApiKeysModule,
        EventsModule,
        DestinationsModule,
        RehearsalsModule,
        TimelineModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}

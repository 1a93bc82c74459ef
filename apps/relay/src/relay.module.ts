import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { AppConfigModule, type EnvironmentVariables } from '@relay/config';
import { PrismaModule } from '@relay/prisma';
import { EventChangePublisher, QueueName, RedisAvailability, redisConnectionFromUrl } from '@relay/queue';
import { LoggerModule, type Params as LoggerParams } from 'nestjs-pino';
import { FfmpegCheck } from './health/ffmpeg-check';
import { RelayHealthController } from './health/relay-health.controller';
import { RelayMetricsController } from './metrics/metrics.controller';
import { RelayMetricsService } from './metrics/relay-metrics.service';
import { EventOwnerProcessor } from './processors/event-owner.processor';
import { EventPipelineProcessor } from './processors/event-pipeline.processor';
import { LegSupervisorProcessor } from './processors/leg-supervisor.processor';
import { EventStateRepository } from './relay/event-state.repository';
import { EventWritesService } from './relay/event-writes.service';
import { IngestKeyRotationsListener } from './relay/ingest-key-rotations.listener';
import { IngestLookupsRepository } from './relay/ingest-lookups.repository';
import { IngestService } from './relay/ingest.service';
import { InputPresenceService } from './relay/input-presence.service';
import { OwnershipService } from './relay/ownership.service';
import { PipelineEventsListener } from './relay/pipeline-events.listener';
import { PipelineConfigRepository } from './relay/pipeline-config.repository';
import { PipelinesService } from './relay/pipelines.service';
import { RehearsalRecordsRepository } from './relay/rehearsal-records.repository';
import { RehearsalsService } from './relay/rehearsals.service';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookEventsService } from './webhooks/webhook-events.service';
import { WebhookDeliveriesRepository } from './webhooks/webhooks.repository';

/** The media plane: RTMP ingest, event pipelines and their queue workers; `/metrics`, `/healthz`, `/readyz`. */
@Module({})
export class RelayModule {
  /** `logging`: nestjs-pino parameters from `createAppLogging` (@relay/observability). */
  static forRoot(config: EnvironmentVariables, logging: LoggerParams): DynamicModule {
    return {
      module: RelayModule,
      imports: [
        LoggerModule.forRoot(logging),
        AppConfigModule.forRoot(config),
        PrismaModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        BullModule.forRoot({ connection: redisConnectionFromUrl(config.REDIS_URL) }),
        BullModule.registerQueue(
          { name: QueueName.EventPipeline },
          { name: QueueName.LegSupervisor },
          { name: QueueName.EventOwner },
          { name: QueueName.WebhookDelivery },
        ),
      ],
      controllers: [RelayHealthController, RelayMetricsController],
      providers: [
        // Media never waits on Redis; this says, once, when queue work stalls and resumes (and /readyz).
        {
          provide: RedisAvailability,
          useFactory: () => {
            const redis = new RedisAvailability(config.REDIS_URL, { logger: new Logger('Redis') });
            void redis.start();
            return redis;
          },
        },
        FfmpegCheck,
        RelayMetricsService,
        // PostgreSQL, by concern: the only relay code that queries it.
        IngestLookupsRepository,
        PipelineConfigRepository,
        EventStateRepository,
        RehearsalRecordsRepository,
        {
          provide: EventChangePublisher,
          useFactory: () => new EventChangePublisher(config.REDIS_URL, new Logger('EventChanges')),
        },
        EventWritesService,
        PipelineEventsListener,
        PipelinesService,
        IngestService,
        IngestKeyRotationsListener,
        RehearsalsService,
        InputPresenceService,
        OwnershipService,
        EventPipelineProcessor,
        EventOwnerProcessor,
        LegSupervisorProcessor,
        // Outgoing webhooks: recorded from pipeline events, sent by this relay's worker.
        WebhookDeliveriesRepository,
        WebhookEventsService,
        WebhookDeliveryService,
        WebhookDeliveryProcessor,
      ],
    };
  }
}

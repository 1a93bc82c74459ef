import { BullModule } from '@nestjs/bullmq';
import { Global, Logger, Module } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { EventChangePublisher, QueueName } from '@relay/queue';
import { PipelineQueueService } from './pipeline-queue.service';

@Global()
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.EventPipeline })],
  providers: [
    PipelineQueueService,
    {
      provide: EventChangePublisher,
      inject: [EnvironmentVariables],
      useFactory: (env: EnvironmentVariables) =>
        new EventChangePublisher(env.REDIS_URL, new Logger('EventChanges')),
    },
  ],
  exports: [PipelineQueueService, EventChangePublisher],
})
export class PipelineQueueModule {}

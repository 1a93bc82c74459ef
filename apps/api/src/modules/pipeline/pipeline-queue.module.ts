import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { QueueName } from '@relay/queue';
import { PipelineQueueService } from './pipeline-queue.service';

@Global()
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.EventPipeline })],
  providers: [PipelineQueueService],
  exports: [PipelineQueueService],
})
export class PipelineQueueModule {}

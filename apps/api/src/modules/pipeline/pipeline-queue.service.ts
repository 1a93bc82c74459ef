import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { EventPipelineJob, QueueName, type EventPipelinePayload } from '@relay/queue';
import type { Queue } from 'bullmq';

/** Asks the relay to start, stop or resync an event's pipeline (BullMQ queue `event-pipeline`). */
@Injectable()
export class PipelineQueueService {
  constructor(@InjectQueue(QueueName.EventPipeline) private readonly queue: Queue<EventPipelinePayload>) {}

  /** Queues `job` for the event; `extra` carries job-specific fields (the rehearsal id). */
  async request(
    job: EventPipelineJob,
    eventId: string,
    extra: Omit<EventPipelinePayload, 'eventId'> = {},
  ): Promise<void> {
    await this.queue.add(
      job,
      { eventId, ...extra },
      {
        removeOnComplete: 1000,
        removeOnFail: 1000,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
      },
    );
  }
}

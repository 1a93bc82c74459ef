import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  addJobWithin,
  EVENT_PIPELINE_JOB_OPTIONS,
  EventPipelineJob,
  QueueName,
  type EventPipelinePayload,
} from '@relay/queue';
import type { Queue } from 'bullmq';

/** Asks the relay to start, stop or resync an event's pipeline (BullMQ queue `event-pipeline`). */
@Injectable()
export class PipelineQueueService {
  constructor(@InjectQueue(QueueName.EventPipeline) private readonly queue: Queue<EventPipelinePayload>) {}

  /**
   * Queues `job` for the event; `extra` carries job-specific fields (the rehearsal id).
   *
   * @throws QueueUnavailableError when Redis is away or slow (the API answers 503): never waits for it.
   */
  async request(
    job: EventPipelineJob,
    eventId: string,
    extra: Omit<EventPipelinePayload, 'eventId'> = {},
  ): Promise<void> {
    await addJobWithin(this.queue, job, { eventId, ...extra }, EVENT_PIPELINE_JOB_OPTIONS);
  }
}

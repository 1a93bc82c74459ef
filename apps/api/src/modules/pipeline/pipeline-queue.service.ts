import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  addJobWithin,
  EVENT_PIPELINE_JOB_OPTIONS,
  EventChangePublisher,
  type EventChangeCause,
  EventPipelineJob,
  QueueName,
  type EventPipelinePayload,
} from '@relay/queue';
import type { Queue } from 'bullmq';

/**
 * Asks the relay to start, stop or resync an event's pipeline (BullMQ queue `event-pipeline`). Every API
 * write the relay must hear of comes through here, after it is committed: it is announced to the status
 * streams as well (EventChangePublisher).
 */
@Injectable()
export class PipelineQueueService {
  constructor(
    @InjectQueue(QueueName.EventPipeline) private readonly queue: Queue<EventPipelinePayload>,
    private readonly changes: EventChangePublisher,
  ) {}

  /**
   * Queues `job` for the event; `extra` carries job-specific fields (the rehearsal id); `cause` goes with
   * the change announced to every API and relay process (see EventChangeCause).
   *
   * @throws QueueUnavailableError when Redis is away or slow (the API answers 503): never waits for it.
   */
  async request(
    job: EventPipelineJob,
    eventId: string,
    extra: Omit<EventPipelinePayload, 'eventId'> = {},
    cause?: EventChangeCause,
  ): Promise<void> {
    try {
      await addJobWithin(this.queue, job, { eventId, ...extra }, EVENT_PIPELINE_JOB_OPTIONS);
    } finally {
      this.changes.publish(eventId, cause);
    }
  }
}

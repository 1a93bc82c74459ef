import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { EventOwnerJob, OWNER_WORKER_OPTIONS, QueueName, type EventOwnerPayload } from '@relay/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { OwnershipService } from '../relay/ownership.service';

/**
 * Runs the owner job of each event this relay owns, for as long as the event is on air (see
 * `@relay/queue` event-ownership). On SIGTERM, stops taking events and hands the owned ones over.
 */
@Processor(QueueName.EventOwner, OWNER_WORKER_OPTIONS)
export class EventOwnerProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger('EventOwnerWorker');

  constructor(private readonly ownership: OwnershipService) {
    super();
  }

  async process(job: Job<EventOwnerPayload, void, EventOwnerJob>, token?: string): Promise<void> {
    if (!token) throw new UnrecoverableError('owner job without a lock token');
    switch (job.name) {
      case EventOwnerJob.Own:
        return this.ownership.own(job, token);
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.debug(`Owner worker: ${error.message}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.pause(true).catch(() => undefined);
    await this.ownership.handOverAll();
  }
}

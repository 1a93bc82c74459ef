import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { EventPipelineJob, QueueName, type EventPipelinePayload, type ForwardedPayload } from '@relay/queue';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { IngestService } from '../relay/ingest.service';
import { OwnershipService } from '../relay/ownership.service';
import { PipelinesService } from '../relay/pipelines.service';
import { RehearsalsService } from '../relay/rehearsals.service';

type Payload = EventPipelinePayload & ForwardedPayload;

/**
 * Start, stop and resync of event pipelines, requested by the API. A job for an event another relay
 * owns is passed on until that relay's worker takes it; a start claims the event (see OwnershipService).
 */
@Processor(QueueName.EventPipeline)
export class EventPipelineProcessor extends WorkerHost {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly rehearsals: RehearsalsService,
    private readonly ownership: OwnershipService,
    private readonly ingest: IngestService,
    @InjectQueue(QueueName.EventPipeline) private readonly queue: Queue<Payload>,
  ) {
    super();
  }

  async process(job: Job<Payload, void, EventPipelineJob>): Promise<void> {
    if (await this.ownership.ownedElsewhere(job.data.eventId)) {
      await this.ownership.forward(this.queue, job);
      return;
    }
    switch (job.name) {
      case EventPipelineJob.Start:
        return this.ownership.requestStart(job.data.eventId);
      case EventPipelineJob.Stop:
        return this.pipelines.stop(job.data.eventId);
      case EventPipelineJob.Sync:
        // A rotated ingest key (POST …/ingest/:role/rotate-key) cuts the publisher still using the old one.
        await this.ingest.revalidatePublishers(job.data.eventId);
        return this.pipelines.sync(job.data.eventId);
      case EventPipelineJob.Rehearse:
        if (!job.data.rehearsalId) throw new UnrecoverableError('rehearse job without rehearsalId');
        return this.rehearsals.start(job.data.eventId, job.data.rehearsalId);
      case EventPipelineJob.RetryLeg:
        if (!job.data.destinationId) throw new UnrecoverableError('retry-leg job without destinationId');
        return this.pipelines.retryLeg(job.data.eventId, job.data.destinationId);
    }
  }
}

import { Processor, WorkerHost } from '@nestjs/bullmq';
import { EventPipelineJob, QueueName, type EventPipelinePayload } from '@relay/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { PipelinesService } from '../relay/pipelines.service';
import { RehearsalsService } from '../relay/rehearsals.service';

/** Start, stop and resync of event pipelines, requested by the API. */
@Processor(QueueName.EventPipeline)
export class EventPipelineProcessor extends WorkerHost {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly rehearsals: RehearsalsService,
  ) {
    super();
  }

  async process(job: Job<EventPipelinePayload, void, EventPipelineJob>): Promise<void> {
    switch (job.name) {
      case EventPipelineJob.Start:
        return this.pipelines.start(job.data.eventId);
      case EventPipelineJob.Stop:
        return this.pipelines.stop(job.data.eventId);
      case EventPipelineJob.Sync:
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

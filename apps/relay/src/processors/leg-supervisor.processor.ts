import { Processor, WorkerHost } from '@nestjs/bullmq';
import { LegSupervisorJob, QueueName, type LegRestartPayload } from '@relay/queue';
import type { Job } from 'bullmq';
import { PipelinesService } from '../relay/pipelines.service';

/** Restarts legs that exited, after the backoff delay their job was scheduled with. */
@Processor(QueueName.LegSupervisor)
export class LegSupervisorProcessor extends WorkerHost {
  constructor(private readonly pipelines: PipelinesService) {
    super();
  }

  async process(job: Job<LegRestartPayload, boolean, LegSupervisorJob>): Promise<boolean> {
    switch (job.name) {
      case LegSupervisorJob.Restart:
        return this.pipelines.restartLeg(
          job.data.eventId,
          job.data.destinationId,
          job.data.legRun,
          job.data.attempt,
        );
    }
  }
}

import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { LegSupervisorJob, QueueName, type ForwardedPayload, type LegRestartPayload } from '@relay/queue';
import type { Job, Queue } from 'bullmq';
import { OwnershipService } from '../relay/ownership.service';
import { PipelinesService } from '../relay/pipelines.service';

type Payload = LegRestartPayload & ForwardedPayload;

/**
 * Restarts legs that exited, after the backoff delay their job was scheduled with. A restart for an
 * event another relay owns is passed on to it; a relay that no longer owns the event restarts nothing.
 */
@Processor(QueueName.LegSupervisor)
export class LegSupervisorProcessor extends WorkerHost {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly ownership: OwnershipService,
    @InjectQueue(QueueName.LegSupervisor) private readonly queue: Queue<Payload>,
  ) {
    super();
  }

  async process(job: Job<Payload, boolean, LegSupervisorJob>): Promise<boolean> {
    if (await this.ownership.ownedElsewhere(job.data.eventId)) {
      await this.ownership.forward(this.queue, job);
      return false;
    }
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

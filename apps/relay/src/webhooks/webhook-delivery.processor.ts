import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QueueName, WebhookDeliveryJob, type WebhookDeliveryPayload } from '@relay/queue';
import type { Job } from 'bullmq';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Deliveries sent at once by one relay; each waits at most WEBHOOK_TIMEOUT_MS. */
const CONCURRENCY = 8;

/** Sends outgoing webhooks (`webhook-delivery` queue); a throw is retried with the job's backoff. */
@Processor(QueueName.WebhookDelivery, { concurrency: CONCURRENCY })
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(private readonly deliveries: WebhookDeliveryService) {
    super();
  }

  async process(job: Job<WebhookDeliveryPayload, string, WebhookDeliveryJob>): Promise<string> {
    switch (job.name) {
      case WebhookDeliveryJob.Deliver:
        return this.deliveries.deliver(job.data.deliveryId, job.attemptsMade + 1);
    }
  }
}

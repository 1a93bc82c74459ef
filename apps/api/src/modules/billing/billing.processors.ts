import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import {
  BILLING_JOB_OPTIONS,
  BillingJob,
  BillingQueueName,
  type StripeEventPayload,
  type UsageReportPayload,
} from '@relay/queue';
import type { Job, Queue } from 'bullmq';
import { StripeWebhookService } from './stripe-webhook.service';
import { UsageMeteringService } from './usage-metering.service';

/** BullMQ connection config (waits for Redis, as workers need) of the billing queues. */
export const BILLING_QUEUE_CONFIG = 'billing-worker';

/** Applies received Stripe events, one at a time per API process. */
@Processor({ name: BillingQueueName.StripeEvents, configKey: BILLING_QUEUE_CONFIG })
export class StripeEventsProcessor extends WorkerHost {
  constructor(private readonly webhooks: StripeWebhookService) {
    super();
  }

  async process(job: Job<StripeEventPayload, unknown, BillingJob>): Promise<void> {
    switch (job.name) {
      case BillingJob.ApplyStripeEvent:
        return this.webhooks.apply(job.data.stripeEventId);
      case BillingJob.ReportUsage:
        throw new Error(`job ${job.name} does not belong on ${BillingQueueName.StripeEvents}`);
    }
  }
}

/** Sends usage to Stripe, once per metering window (a repeatable job) or for a window given in the payload. */
@Processor({ name: BillingQueueName.Usage, configKey: BILLING_QUEUE_CONFIG })
export class UsageProcessor extends WorkerHost {
  constructor(private readonly metering: UsageMeteringService) {
    super();
  }

  async process(job: Job<UsageReportPayload, unknown, BillingJob>): Promise<void> {
    switch (job.name) {
      case BillingJob.ReportUsage: {
        // A retry runs with the same job.timestamp, hence the same window.
        const window = job.data.windowStart
          ? new Date(job.data.windowStart)
          : this.metering.windowEndedBefore(job.timestamp);
        await this.metering.report(window);
        return;
      }
      case BillingJob.ApplyStripeEvent:
        throw new Error(`job ${job.name} does not belong on ${BillingQueueName.Usage}`);
    }
  }
}

/** Schedules the usage job once per window (idempotent: one scheduler id for every API process). */
@Injectable()
export class UsageScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(BillingQueueName.Usage) private readonly queue: Queue<UsageReportPayload>,
    private readonly env: EnvironmentVariables,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'usage-every-window',
      { every: this.env.BILLING_USAGE_WINDOW_MS },
      { name: BillingJob.ReportUsage, data: {}, opts: BILLING_JOB_OPTIONS },
    );
  }
}

import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import type { WebhookEventType, WebhookPayloadJson } from '@relay/contracts';
import {
  addJobWithin,
  QueueName,
  WebhookDeliveryJob,
  webhookDeliveryJobOptions,
  type WebhookDeliveryPayload,
} from '@relay/queue';
import type { Queue } from 'bullmq';
import { EventWritesService } from '../relay/event-writes.service';
import { WebhookDeliveriesRepository } from './webhooks.repository';

/** Deliveries are kept this long (the GET shows the newest 20), ms. */
const DELIVERY_RETENTION_MS = 7 * 24 * 3600_000;
/** Pruning old deliveries runs at most this often per relay, ms. */
const PRUNE_EVERY_MS = 3600_000;

/**
 * Outgoing webhook events of the relay: `emit` returns at once (the media path never waits); the
 * delivery rows are written in the event's write queue, after the state change they report, and one
 * `webhook-delivery` job per subscribed endpoint is queued.
 */
@Injectable()
export class WebhookEventsService {
  private readonly logger = new Logger('Webhooks');
  private lastPruneAt = 0;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly writes: EventWritesService,
    private readonly config: EnvironmentVariables,
    @InjectQueue(QueueName.WebhookDelivery) private readonly queue: Queue<WebhookDeliveryPayload>,
  ) {}

  /** Records `type` for the event's organization; `data` is merged into the payload's `data` after `eventId`. */
  emit(eventId: string, type: WebhookEventType, data: Record<string, unknown> = {}): void {
    const payload: WebhookPayloadJson = {
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      type,
      createdAt: new Date().toISOString(),
      data: { eventId, ...data },
    };
    this.writes.enqueue(eventId, `webhook ${type}`, async () => {
      const ids = await this.deliveries.createDeliveries(eventId, payload);
      // Not awaited: Redis being away must not hold the event's later writes. A job Redis did not take
      // leaves its row pending; logged, never thrown into the write queue.
      for (const deliveryId of ids) {
        void addJobWithin(
          this.queue,
          WebhookDeliveryJob.Deliver,
          { deliveryId },
          webhookDeliveryJobOptions(deliveryId, this.config.WEBHOOK_RETRY_BASE_DELAY_MS),
        ).catch((error: unknown) =>
          this.logger.error(
            `Webhook delivery ${deliveryId} (${type}) not queued: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }
      this.pruneNowAndThen();
    });
  }

  private pruneNowAndThen(): void {
    if (Date.now() - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = Date.now();
    this.deliveries.pruneBefore(new Date(Date.now() - DELIVERY_RETENTION_MS)).then(
      (count) => count > 0 && this.logger.log(`Deleted ${count} webhook deliveries older than 7 days`),
      (error: unknown) => this.logger.warn(`Pruning webhook deliveries failed: ${String(error)}`),
    );
  }
}

import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
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
/** Looks for deliveries whose job Redis never took this often, ms. */
const SWEEP_EVERY_MS = 60_000;
/** A delivery never attempted this long after it was written counts as stranded, ms. */
const STRANDED_AFTER_MS = 60_000;

/**
 * Outgoing webhook events of the relay: `emit` returns at once (the media path never waits); the
 * delivery rows are written in the event's write queue, after the state change they report, and one
 * `webhook-delivery` job per subscribed endpoint is queued.
 */
@Injectable()
export class WebhookEventsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private lastPruneAt = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

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
      for (const deliveryId of ids) void this.queueDelivery(deliveryId, type);
      this.pruneNowAndThen();
    });
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweepStranded(), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /**
   * Queues again the deliveries never attempted a minute after they were written (Redis was away, or
   * the relay stopped between the row and the job). The job id is the delivery id, so a job still in
   * the queue is not duplicated; several relays sweeping at once queue each delivery once.
   */
  async sweepStranded(now = Date.now()): Promise<number> {
    try {
      const ids = await this.deliveries.strandedDeliveries(new Date(now - STRANDED_AFTER_MS));
      const queued = await Promise.all(ids.map((id) => this.queueDelivery(id, 'stranded')));
      const count = queued.filter(Boolean).length;
      if (count > 0) this.logger.warn(`Queued ${count} webhook deliveries again that were never attempted`);
      return count;
    } catch (error) {
      this.logger.warn(`Sweeping stranded webhook deliveries failed: ${String(error)}`);
      return 0;
    }
  }

  /** Adds the delivery's job; false (logged) when Redis did not take it. */
  private async queueDelivery(deliveryId: string, what: string): Promise<boolean> {
    try {
      await addJobWithin(
        this.queue,
        WebhookDeliveryJob.Deliver,
        { deliveryId },
        webhookDeliveryJobOptions(deliveryId, this.config.WEBHOOK_RETRY_BASE_DELAY_MS),
      );
      return true;
    } catch (error) {
      this.logger.error(
        `Webhook delivery ${deliveryId} (${what}) not queued: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
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

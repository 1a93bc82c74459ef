import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  createHttpRequestDuration,
  createServiceRegistry,
  registerQueueDepthGauge,
  type HttpDurationLabel,
} from '@relay/observability';
import { QueueName } from '@relay/queue';
import type { Queue } from 'bullmq';
import type { Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus registry: process metrics, HTTP request durations by route template, and the depth
 * of the BullMQ queues (read from Redis at scrape time).
 */
@Injectable()
export class ApiMetricsService {
  readonly registry: Registry = createServiceRegistry('api');
  readonly httpDuration: Histogram<HttpDurationLabel> = createHttpRequestDuration(this.registry);

  constructor(
    @InjectQueue(QueueName.EventPipeline) eventPipeline: Queue,
    @InjectQueue(QueueName.LegSupervisor) legSupervisor: Queue,
    @InjectQueue(QueueName.EventOwner) eventOwner: Queue,
    @InjectQueue(QueueName.WebhookDelivery) webhookDelivery: Queue,
  ) {
    const queues = [eventPipeline, legSupervisor, eventOwner, webhookDelivery];
    registerQueueDepthGauge(this.registry, () => queues);
  }

  /** The text exposition format (Prometheus 0.0.4) of every series. */
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

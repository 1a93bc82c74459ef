import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CounterRate, createServiceRegistry, registerQueueDepthGauge } from '@relay/observability';
import { QueueName } from '@relay/queue';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { PipelinesService } from '../relay/pipelines.service';
import { registerPipelineMetrics } from './pipeline-metrics';
import { snapshotPipeline, type EventSnapshot } from './pipeline-snapshot';

/** How often each leg's byte count is sampled for its bitrate (ms), and the span the rate covers (ms). */
const LEG_SAMPLE_INTERVAL_MS = 1000;
const LEG_RATE_WINDOW_MS = 5000;

/**
 * The relay's Prometheus registry: process metrics, per-event and per-leg series of the pipelines this
 * relay runs (read at scrape time), and the depth of its BullMQ queues.
 */
@Injectable()
export class RelayMetricsService implements OnModuleDestroy {
  readonly registry: Registry = createServiceRegistry('relay');
  private readonly legRates = new Map<string, CounterRate>();
  private readonly sampler: NodeJS.Timeout;
  /** The snapshot of the scrape in progress: taken once, read by every series family. */
  private current: EventSnapshot[] | null = null;

  constructor(
    private readonly pipelines: PipelinesService,
    @InjectQueue(QueueName.EventPipeline) eventPipeline: Queue,
    @InjectQueue(QueueName.LegSupervisor) legSupervisor: Queue,
    @InjectQueue(QueueName.EventOwner) eventOwner: Queue,
    @InjectQueue(QueueName.WebhookDelivery) webhookDelivery: Queue,
  ) {
    registerPipelineMetrics(
      this.registry,
      () => this.snapshots(),
      (eventId, destinationId) => (this.legRates.get(`${eventId}/${destinationId}`)?.perSecond() ?? 0) * 8,
    );
    const queues = [eventPipeline, legSupervisor, eventOwner, webhookDelivery];
    registerQueueDepthGauge(this.registry, () => queues);
    this.sampler = setInterval(() => this.sampleLegs(), LEG_SAMPLE_INTERVAL_MS);
    this.sampler.unref();
  }

  /** The text exposition format (Prometheus 0.0.4) of every series. */
  async metrics(): Promise<string> {
    this.current = this.takeSnapshots();
    try {
      return await this.registry.metrics();
    } finally {
      this.current = null;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sampler);
  }

  private snapshots(): EventSnapshot[] {
    return this.current ?? this.takeSnapshots();
  }

  private takeSnapshots(): EventSnapshot[] {
    const now = Date.now();
    return this.pipelines
      .all()
      .map((pipeline) => snapshotPipeline(pipeline, now))
      .filter((s): s is EventSnapshot => s !== null);
  }

  /** Samples every leg's bytes; forgets legs that are gone. */
  private sampleLegs(): void {
    const now = Date.now();
    const seen = new Set<string>();
    for (const pipeline of this.pipelines.all()) {
      for (const leg of pipeline.legStatuses()) {
        const key = `${pipeline.eventId}/${leg.destinationId}`;
        seen.add(key);
        let rate = this.legRates.get(key);
        if (!rate) this.legRates.set(key, (rate = new CounterRate(LEG_RATE_WINDOW_MS)));
        rate.sample(leg.bytesWritten, now);
      }
    }
    for (const key of this.legRates.keys()) if (!seen.has(key)) this.legRates.delete(key);
  }
}

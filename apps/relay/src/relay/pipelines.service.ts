import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import {
  encodeSlateClip,
  EventPipeline,
  ffmpegLegFactory,
  SlateClipCache,
  type LegFactory,
  type PublishSink,
  type PublishTarget,
  type SwitcherSettings,
} from '@relay/media';
import { EventStateRepository } from './event-state.repository';
import { EventWritesService } from './event-writes.service';
import { PipelineEventsListener } from './pipeline-events.listener';
import { PipelineConfigRepository } from './pipeline-config.repository';

/**
 * The event pipelines this relay process runs, by event id. A pipeline exists while its event is on
 * air or one of its inputs publishes.
 */
@Injectable()
export class PipelinesService implements OnApplicationShutdown {
  private readonly logger = new Logger('Pipelines');
  private readonly pipelines = new Map<string, EventPipeline>();
  private readonly createLeg: LegFactory;
  /** Slate clips, shared by every event of this relay (one encode per parameter set). */
  private readonly slateClips: SlateClipCache;
  private readonly goneListeners: Array<(eventId: string) => void> = [];
  private readonly stoppingListeners: Array<(eventId: string) => void> = [];

  constructor(
    private readonly repository: PipelineConfigRepository,
    private readonly eventState: EventStateRepository,
    private readonly listener: PipelineEventsListener,
    private readonly writes: EventWritesService,
    config: EnvironmentVariables,
  ) {
    this.createLeg = ffmpegLegFactory(config.FFMPEG_PATH);
    this.slateClips = new SlateClipCache((params) =>
      encodeSlateClip(params, { ffmpegPath: config.FFMPEG_PATH }),
    );
    this.listener.onSlateTimedOut((eventId) => void this.afterSlateTimeout(eventId));
    this.listener.onLocalLegRestart((eventId, destinationId, legRun, attempt) => {
      if (this.restartLeg(eventId, destinationId, legRun, attempt))
        this.logger.warn(
          `Event ${eventId}: leg ${destinationId} restarted by a local timer (job queue away)`,
        );
    });
  }

  /** The pipeline of an event, created with `settings` when missing. */
  ensure(eventId: string, settings: SwitcherSettings): EventPipeline {
    let pipeline = this.pipelines.get(eventId);
    if (!pipeline) {
      pipeline = new EventPipeline(eventId, settings, this.listener, this.createLeg, this.slateClips);
      this.pipelines.set(eventId, pipeline);
    }
    return pipeline;
  }

  /** Connects an accepted publisher to its event's pipeline (which must exist: see IngestService). */
  openInput(target: PublishTarget, session: { sessionId: string; encoder: string }): PublishSink {
    const pipeline = this.pipelines.get(target.eventId);
    if (!pipeline) throw new Error(`No pipeline for event ${target.eventId}`);
    this.listener.inputConnected(target.eventId, target.role, session);
    const sink = pipeline.openInput(target.role);
    return {
      onMetadata: (tag) => sink.onMetadata(tag),
      onMedia: (tag) => sink.onMedia(tag),
      onEnd: (reason) => {
        sink.onEnd(reason);
        void this.releaseIfUnused(target.eventId);
      },
    };
  }

  /** Puts the event on air, as stored in the database. */
  async start(eventId: string): Promise<void> {
    const config = await this.repository.loadPipelineConfig(eventId);
    if (!config || (config.status !== 'standby' && config.status !== 'live')) return;
    const pipeline = this.ensure(eventId, config.settings);
    pipeline.updateSettings(config.settings);
    pipeline.start(config.legs);
    const held = config.legs.filter((l) => l.gaveUp).length;
    this.logger.log(
      `Event ${eventId} started with ${config.legs.length} destination(s)` +
        (held ? `, ${held} held back (given up earlier; POST …/destinations/:id/retry starts it)` : ''),
    );
  }

  /** The pipeline of an event, if this relay runs one. */
  get(eventId: string): EventPipeline | undefined {
    return this.pipelines.get(eventId);
  }

  /** Every pipeline this relay runs now (read-only use: metrics). */
  all(): EventPipeline[] {
    return [...this.pipelines.values()];
  }

  /** Ids of the events with a publisher on this relay now. */
  eventIdsWithInputs(): string[] {
    return [...this.pipelines].filter(([, pipeline]) => pipeline.hasInputs).map(([eventId]) => eventId);
  }

  /** Calls `listener` before an event's legs close (e.g. to end its rehearsal). */
  onEventStopping(listener: (eventId: string) => void): void {
    this.stoppingListeners.push(listener);
  }

  /** Closes the event's legs cleanly. */
  async stop(eventId: string): Promise<void> {
    for (const listener of this.stoppingListeners) listener(eventId);
    const pipeline = this.pipelines.get(eventId);
    if (pipeline) await pipeline.stop();
    this.writes.enqueue(eventId, 'legs idle', () => this.eventState.resetLegStates(eventId));
    await this.releaseIfUnused(eventId);
    this.logger.log(`Event ${eventId} stopped`);
  }

  /** Applies stored settings and destinations to a running pipeline; drops it when the event is gone. */
  async sync(eventId: string): Promise<void> {
    const pipeline = this.pipelines.get(eventId);
    if (!pipeline) return;
    const config = await this.repository.loadPipelineConfig(eventId);
    if (!config) {
      this.pipelines.delete(eventId);
      await pipeline.dispose();
      for (const listener of this.goneListeners) listener(eventId);
      return;
    }
    pipeline.updateSettings(config.settings);
    if (pipeline.isStarted) await pipeline.syncDestinations(config.legs);
  }

  /** Calls `listener` when an event with a pipeline was deleted (its publishers must be let go). */
  onEventDeleted(listener: (eventId: string) => void): void {
    this.goneListeners.push(listener);
  }

  /** Restarts a failed leg if it is still wanted; returns whether it did. */
  restartLeg(eventId: string, destinationId: string, legRun: number, attempt: number): boolean {
    const restarted = this.pipelines.get(eventId)?.restartLeg(destinationId, legRun) ?? false;
    if (restarted) this.listener.legRestarted(eventId, destinationId, attempt);
    return restarted;
  }

  /**
   * A retry by hand (`POST …/destinations/:id/retry`): the leg's failures are forgotten and, if it is
   * down (given up or waiting), it starts now at a keyframe. Nothing when the event is not on air here.
   */
  retryLeg(eventId: string, destinationId: string): void {
    const outcome = this.pipelines.get(eventId)?.retryLeg(destinationId) ?? 'not-on-air';
    this.logger.log(`Event ${eventId}: retry of leg ${destinationId} by hand: ${outcome}`);
    if (outcome === 'restarted') this.listener.legRestarted(eventId, destinationId, 0);
  }

  /**
   * Closes the event's legs cleanly and leaves its state alone: this relay no longer owns the event (it
   * handed it over, or another relay took it). Inputs stay attached.
   */
  async halt(eventId: string): Promise<void> {
    for (const listener of this.stoppingListeners) listener(eventId);
    const pipeline = this.pipelines.get(eventId);
    if (pipeline?.isStarted) await pipeline.stop('handed_over');
    await this.releaseIfUnused(eventId);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.dispose()));
    this.pipelines.clear();
    await this.writes.drain();
  }

  /** The slate timed out: the pipeline closed its legs and stopped; the event has ended. */
  private async afterSlateTimeout(eventId: string): Promise<void> {
    for (const listener of this.stoppingListeners) listener(eventId);
    this.writes.enqueue(eventId, 'legs idle', () => this.eventState.resetLegStates(eventId));
    await this.releaseIfUnused(eventId);
    this.logger.log(`Event ${eventId} ended: the slate timed out`);
  }

  private async releaseIfUnused(eventId: string): Promise<void> {
    const pipeline = this.pipelines.get(eventId);
    if (!pipeline || pipeline.isStarted || pipeline.hasInputs) return;
    this.pipelines.delete(eventId);
    await pipeline.dispose();
  }
}

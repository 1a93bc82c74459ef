import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { IngestState, InputRole, LegState } from '@relay/contracts';
import type {
  InputFeedState,
  InputMediaInfo,
  LegFailure,
  OutboundLegState,
  PipelineListener,
  SwitchDecision,
} from '@relay/media';
import { EnvironmentVariables } from '@relay/config';
import { LegSupervisorJob, QueueName, legRestartDelayMs, type LegRestartPayload } from '@relay/queue';
import type { Queue } from 'bullmq';
import { EventWritesService } from './event-writes.service';
import { RelayRepository } from './relay.repository';

const LEG_STATE: Record<OutboundLegState, LegState> = {
  idle: 'idle',
  connecting: 'connecting',
  live: 'live',
  stopping: 'idle',
  exited: 'retrying',
};

/**
 * Turns what pipelines report into persisted state, timeline entries and leg restart jobs. Called from
 * the media path: every method returns at once and queues its work.
 */
@Injectable()
export class PipelineEventsListener implements PipelineListener {
  private readonly logger = new Logger('Pipeline');
  private readonly wasLive = new Map<string, boolean>();

  constructor(
    private readonly repository: RelayRepository,
    private readonly writes: EventWritesService,
    private readonly config: EnvironmentVariables,
    @InjectQueue(QueueName.LegSupervisor) private readonly legQueue: Queue<LegRestartPayload>,
  ) {}

  inputConnected(eventId: string, role: InputRole, detail: { sessionId: string; encoder: string }): void {
    this.logger.log(`Event ${eventId}: ${role} publisher connected (session ${detail.sessionId})`);
    this.writes.enqueue(eventId, 'input connected', () =>
      this.repository.addTimeline(eventId, 'input_connected', {
        input: role,
        detail: { session: detail.sessionId, encoder: detail.encoder },
      }),
    );
  }

  inputStateChanged(eventId: string, role: InputRole, state: InputFeedState, reason: string): void {
    const key = `${eventId}:${role}`;
    const wasLive = this.wasLive.get(key) ?? false;
    this.wasLive.set(key, state === 'live');
    this.logger.log(`Event ${eventId}: ${role} ${state} (${reason})`);
    this.writes.enqueue(eventId, 'input state', async () => {
      await this.repository.setIngestState(eventId, role, state satisfies IngestState);
      if (wasLive && state !== 'live')
        await this.repository.addTimeline(eventId, 'input_lost', { input: role, detail: { reason } });
      if (!wasLive && state === 'live')
        await this.repository.addTimeline(eventId, 'input_recovered', { input: role, detail: { reason } });
    });
  }

  switched(eventId: string, decision: SwitchDecision): void {
    const type =
      decision.kind === 'failover'
        ? 'failover'
        : decision.kind === 'failback'
          ? 'failback'
          : 'program_resumed';
    this.logger.log(
      `Event ${eventId}: ${type} ${decision.from ?? 'none'} → ${decision.to} (${decision.reason})`,
    );
    this.writes.enqueue(eventId, type, async () => {
      await this.repository.setActiveInput(eventId, decision.to);
      await this.repository.addTimeline(eventId, type, {
        input: decision.to,
        detail: {
          from: decision.from,
          to: decision.to,
          reason: decision.reason,
          switchMs: decision.committedAt - decision.decidedAt,
          gapMs: decision.gapMs,
          replayedTags: decision.replayedTags,
          programTimestampMs: decision.programTimestamp,
          lostInputLastPacketAgeMs: decision.signals.lostInputLastPacketAgeMs,
          keyframeWaitMs: decision.signals.keyframeWaitMs,
          driftMs: decision.signals.driftMs,
          recentFailovers: decision.signals.recentFailovers,
          newInputFrames: decision.signals.newInputFrames,
        },
      });
    });
  }

  programInterrupted(eventId: string, reason: string): void {
    this.logger.warn(`Event ${eventId}: program has no input (${reason})`);
    this.writes.enqueue(eventId, 'program interrupted', async () => {
      await this.repository.setActiveInput(eventId, null);
      await this.repository.addTimeline(eventId, 'program_interrupted', { detail: { reason } });
    });
  }

  inputMediaChanged(eventId: string, role: InputRole, media: InputMediaInfo | null): void {
    this.writes.enqueue(eventId, 'input media', () => this.repository.setIngestMedia(eventId, role, media));
  }

  flapDampingChanged(eventId: string, active: boolean, reason: string): void {
    this.logger.warn(`Event ${eventId}: flap damping ${active ? 'on' : 'off'} (${reason})`);
    this.writes.enqueue(eventId, 'flap damping', () =>
      this.repository.addTimeline(eventId, active ? 'flap_damping_started' : 'flap_damping_ended', {
        detail: { reason },
      }),
    );
  }

  programLive(eventId: string): void {
    this.logger.log(`Event ${eventId}: program live, starting legs`);
    this.writes.enqueue(eventId, 'event live', async () => {
      if (await this.repository.markLive(eventId))
        await this.repository.addTimeline(eventId, 'event_live', {});
    });
  }

  legStateChanged(eventId: string, destinationId: string, state: OutboundLegState): void {
    this.writes.enqueue(eventId, 'leg state', async () => {
      await this.repository.setLegState(destinationId, LEG_STATE[state], state === 'live' ? null : undefined);
      if (state === 'live') await this.repository.addTimeline(eventId, 'leg_connected', { destinationId });
    });
  }

  legExited(
    eventId: string,
    destinationId: string,
    legRun: number,
    consecutiveFailures: number,
    failure: LegFailure,
  ): void {
    const delay = legRestartDelayMs(
      consecutiveFailures,
      this.config.LEG_RESTART_MIN_DELAY_MS,
      this.config.LEG_RESTART_MAX_DELAY_MS,
    );
    this.logger.warn(
      `Event ${eventId}: leg ${destinationId} failed (${failure.message}); restart in ${delay} ms`,
    );
    this.writes.enqueue(eventId, 'leg failed', async () => {
      await this.repository.setLegState(destinationId, 'retrying', failure.message);
      await this.repository.addTimeline(eventId, 'leg_failed', {
        destinationId,
        detail: {
          reason: failure.message,
          kind: failure.kind,
          attempt: consecutiveFailures,
          retryInMs: delay,
        },
      });
    });
    void this.legQueue
      .add(
        LegSupervisorJob.Restart,
        { eventId, destinationId, attempt: consecutiveFailures, legRun },
        { delay, jobId: `restart-${destinationId}-${legRun}`, removeOnComplete: 1000, removeOnFail: 1000 },
      )
      .catch((error: unknown) =>
        this.logger.error(
          `Could not schedule the restart of leg ${destinationId}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }

  legRestarted(eventId: string, destinationId: string, attempt: number): void {
    this.writes.enqueue(eventId, 'leg restarted', async () => {
      await this.repository.countLegRestart(destinationId);
      await this.repository.addTimeline(eventId, 'leg_restarted', { destinationId, detail: { attempt } });
    });
  }
}

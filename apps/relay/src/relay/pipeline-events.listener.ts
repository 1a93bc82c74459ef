import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, Optional } from '@nestjs/common';
import type { IngestState, InputRole } from '@relay/contracts';
import type {
  InputFeedState,
  InputMediaInfo,
  LegFailure,
  LegPolicy,
  LegStopReason,
  OutboundLegState,
  PipelineListener,
  SlateEnd,
  SlateStart,
  SwitchDecision,
} from '@relay/media';
import { EnvironmentVariables } from '@relay/config';
import { QueueName, type LegRestartPayload } from '@relay/queue';
import type { Queue } from 'bullmq';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { EventStateRepository } from './event-state.repository';
import { EventWritesService } from './event-writes.service';
import { LegRestartScheduler, type LocalLegRestart } from './leg-restart-scheduler';
import {
  iso,
  LEG_STATE,
  legFailedDetail,
  legGaveUpDetail,
  slateEndedDetail,
  slateReason,
  slateStartedDetail,
  statusReasonAfterSlate,
  switchDetail,
  switchEntryType,
} from './pipeline-event-records';

/**
 * Turns what pipelines report into persisted state, timeline entries and leg restart jobs. Called from
 * the media path: every method returns at once and queues its work.
 */
@Injectable()
export class PipelineEventsListener implements PipelineListener {
  private readonly logger = new Logger('Pipeline');
  private readonly wasLive = new Map<string, boolean>();
  private readonly slateTimeoutListeners: Array<(eventId: string) => void> = [];
  private readonly restarts: LegRestartScheduler;

  constructor(
    private readonly repository: EventStateRepository,
    private readonly writes: EventWritesService,
    config: EnvironmentVariables,
    @InjectQueue(QueueName.LegSupervisor) legQueue: Queue<LegRestartPayload>,
    @Optional() private readonly webhooks?: WebhookEventsService,
  ) {
    this.restarts = new LegRestartScheduler(legQueue, this.logger, config);
  }

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
    const type = switchEntryType(decision);
    this.logger.log(
      `Event ${eventId}: ${type} ${decision.from ?? 'none'} → ${decision.to} (${decision.reason})`,
    );
    this.writes.enqueue(eventId, type, async () => {
      await this.repository.setActiveInput(eventId, decision.to);
      await this.repository.clearLiveStatusReason(eventId);
      await this.repository.addTimeline(eventId, type, {
        input: decision.to,
        detail: switchDetail(decision),
      });
    });
    if (decision.kind === 'failover' || decision.kind === 'failback') {
      this.webhooks?.emit(eventId, decision.kind === 'failover' ? 'event.failover' : 'event.failback', {
        from: decision.from,
        to: decision.to,
        reason: decision.reason,
      });
    }
  }

  programInterrupted(eventId: string, reason: string): void {
    this.logger.warn(`Event ${eventId}: program has no input (${reason})`);
    this.writes.enqueue(eventId, 'program interrupted', async () => {
      await this.repository.setActiveInput(eventId, null);
      await this.repository.addTimeline(eventId, 'program_interrupted', { detail: { reason } });
    });
  }

  slateStarted(eventId: string, start: SlateStart): void {
    this.logger.warn(`Event ${eventId}: the slate is on air until ${iso(start.endsAt)} (${start.reason})`);
    this.writes.enqueue(eventId, 'slate started', async () => {
      await this.repository.setSlate(
        eventId,
        new Date(start.since),
        new Date(start.endsAt),
        slateReason(start),
      );
      await this.repository.addTimeline(eventId, 'slate_started', { detail: slateStartedDetail(start) });
    });
    this.webhooks?.emit(eventId, 'event.slate_started', { reason: start.reason, endsAt: iso(start.endsAt) });
  }

  slateDeadlineChanged(eventId: string, start: SlateStart): void {
    this.logger.log(`Event ${eventId}: the slate now ends at ${iso(start.endsAt)}`);
    this.writes.enqueue(eventId, 'slate deadline', () =>
      this.repository.setSlate(eventId, new Date(start.since), new Date(start.endsAt), slateReason(start)),
    );
  }

  slateEnded(eventId: string, end: SlateEnd): void {
    this.logger.warn(`Event ${eventId}: the slate ended (${end.reason})`);
    const detail = slateEndedDetail(end);
    this.writes.enqueue(eventId, 'slate ended', async () => {
      if (end.cause === 'timeout') {
        await this.repository.endAfterSlate(eventId, `ended: ${end.reason}`, detail);
        return;
      }
      const reason = statusReasonAfterSlate(end.cause, end.reason);
      await this.repository.clearSlate(eventId, reason);
      await this.repository.addTimeline(eventId, 'slate_ended', { input: end.input ?? undefined, detail });
    });
    this.webhooks?.emit(eventId, 'event.slate_ended', { cause: end.cause, reason: end.reason });
    if (end.legsClosed) for (const listener of this.slateTimeoutListeners) listener(eventId);
  }

  /** Calls `listener` when an event's slate timed out: its legs are closed and its pipeline stopped. */
  onSlateTimedOut(listener: (eventId: string) => void): void {
    this.slateTimeoutListeners.push(listener);
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
      if (await this.repository.markLive(eventId)) {
        await this.repository.addTimeline(eventId, 'event_live', {});
        this.webhooks?.emit(eventId, 'event.live');
      }
    });
  }

  legStateChanged(eventId: string, destinationId: string, state: OutboundLegState): void {
    this.writes.enqueue(eventId, 'leg state', async () => {
      await this.repository.setLegState(destinationId, LEG_STATE[state], state === 'live' ? null : undefined);
      if (state === 'live') await this.repository.addTimeline(eventId, 'leg_connected', { destinationId });
    });
  }

  /** A live leg closed on purpose: ends its time on air in the timeline (and in usage, see leg-airtime). */
  legStopped(eventId: string, destinationId: string, reason: LegStopReason): void {
    this.logger.log(`Event ${eventId}: leg ${destinationId} stopped (${reason})`);
    this.writes.enqueue(eventId, 'leg stopped', () =>
      this.repository.addTimeline(eventId, 'leg_stopped', { destinationId, detail: { reason } }),
    );
  }

  /** Sets who restarts a leg when the `leg-supervisor` queue cannot (Redis away). */
  onLocalLegRestart(restart: LocalLegRestart): void {
    this.restarts.onLocalRestart(restart);
  }

  /**
   * Records the failure and schedules the restart through the `leg-supervisor` queue, never depending on
   * Redis for it (see {@link LegRestartScheduler}).
   */
  legExited(
    eventId: string,
    destinationId: string,
    legRun: number,
    consecutiveFailures: number,
    failure: LegFailure,
    policy: LegPolicy,
  ): void {
    const delay = this.restarts.delayFor(consecutiveFailures, policy);
    this.logger.warn(
      `Event ${eventId}: leg ${destinationId} failed (${failure.message}); restart in ${delay} ms`,
    );
    this.writes.enqueue(eventId, 'leg failed', async () => {
      await this.repository.setLegState(destinationId, 'retrying', failure.message);
      await this.repository.addTimeline(eventId, 'leg_failed', {
        destinationId,
        detail: legFailedDetail(failure, consecutiveFailures, delay),
      });
    });
    this.restarts.schedule(eventId, destinationId, legRun, consecutiveFailures, delay);
  }

  legGaveUp(
    eventId: string,
    destinationId: string,
    legRun: number,
    failuresInWindow: number,
    failure: LegFailure,
  ): void {
    this.logger.warn(
      `Event ${eventId}: leg ${destinationId} gave up after ${failuresInWindow} failures (${failure.message}); ` +
        'POST …/destinations/:id/retry starts it again',
    );
    this.writes.enqueue(eventId, 'leg gave up', () =>
      this.repository.markLegGaveUp(
        eventId,
        destinationId,
        failure.message,
        legGaveUpDetail(failure, failuresInWindow, legRun),
      ),
    );
    this.webhooks?.emit(eventId, 'leg.failed', {
      destinationId,
      reason: failure.message,
      failures: failuresInWindow,
    });
  }

  /** `attempt` 0: a retry by hand (`POST …/retry`). */
  legRestarted(eventId: string, destinationId: string, attempt: number): void {
    this.writes.enqueue(eventId, 'leg restarted', async () => {
      await this.repository.countLegRestart(destinationId);
      await this.repository.addTimeline(eventId, 'leg_restarted', {
        destinationId,
        detail: attempt === 0 ? { attempt, byHand: true } : { attempt },
      });
    });
  }
}

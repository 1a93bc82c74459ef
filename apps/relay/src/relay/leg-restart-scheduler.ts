import type { Logger } from '@nestjs/common';
import type { EnvironmentVariables } from '@relay/config';
import type { LegPolicy } from '@relay/media';
import { addJobWithin, LegSupervisorJob, legRestartDelayMs, type LegRestartPayload } from '@relay/queue';
import type { Queue } from 'bullmq';

/** Longest wait for Redis to take a leg restart job before the restart is left to a local timer, ms. */
const LEG_JOB_ADD_TIMEOUT_MS = 1000;
/**
 * A queued restart also gets a local timer this long after its delay, in case Redis goes away before the
 * worker takes the job: whichever comes first restarts the leg, the other finds the run stale (ms).
 */
const LEG_LOCAL_RESTART_GRACE_MS = 3000;

/** Restarts a leg run that failed, from a local timer (see {@link PipelineEventsListener.legExited}). */
export type LocalLegRestart = (
  eventId: string,
  destinationId: string,
  legRun: number,
  attempt: number,
) => void;

/**
 * Schedules the restart of a failed leg run through the `leg-supervisor` queue, and never depends on Redis
 * for it: when Redis does not take the job within 1 s, a local timer restarts the leg after the same delay;
 * when it does, a local timer still fires 3 s after the job is due. Both carry `legRun`, so the later one
 * finds the run stale and does nothing.
 */
export class LegRestartScheduler {
  private localRestart: LocalLegRestart | null = null;

  constructor(
    private readonly legQueue: Queue<LegRestartPayload>,
    private readonly logger: Logger,
    private readonly config: EnvironmentVariables,
  ) {}

  /** The backoff before restart number `consecutiveFailures`, capped by the destination's policy, ms. */
  delayFor(consecutiveFailures: number, policy: LegPolicy): number {
    return legRestartDelayMs(
      consecutiveFailures,
      this.config.LEG_RESTART_MIN_DELAY_MS,
      Math.min(this.config.LEG_RESTART_MAX_DELAY_MS, policy.maxBackoffMs),
    );
  }

  /** Sets who restarts a leg when the `leg-supervisor` queue cannot (Redis away). */
  onLocalRestart(restart: LocalLegRestart): void {
    this.localRestart = restart;
  }

  /** Restarts run `legRun` of the leg in `delay` ms; `consecutiveFailures` is the attempt number. */
  schedule(
    eventId: string,
    destinationId: string,
    legRun: number,
    consecutiveFailures: number,
    delay: number,
  ): void {
    const dueAt = Date.now() + delay;
    const restartLocally = (at: number): void => {
      const timer = setTimeout(
        () => this.localRestart?.(eventId, destinationId, legRun, consecutiveFailures),
        Math.max(0, at - Date.now()),
      );
      timer.unref();
    };
    addJobWithin(
      this.legQueue,
      LegSupervisorJob.Restart,
      { eventId, destinationId, attempt: consecutiveFailures, legRun },
      { delay, jobId: `restart-${destinationId}-${legRun}`, removeOnComplete: 1000, removeOnFail: 1000 },
      LEG_JOB_ADD_TIMEOUT_MS,
    ).then(
      () => restartLocally(dueAt + LEG_LOCAL_RESTART_GRACE_MS),
      (error: unknown) => {
        this.logger.warn(
          `Leg ${destinationId}: restart left to a local timer (${error instanceof Error ? error.message : String(error)})`,
        );
        restartLocally(dueAt);
      },
    );
  }
}

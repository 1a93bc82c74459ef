import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import {
  EventOwnerJob,
  FORWARD_DELAY_MS,
  MAX_FORWARD_HOPS,
  OWNER_JOB_OPTIONS,
  OWNER_LOCK_MS,
  OWNER_RENEW_MS,
  OWNER_RENEW_TIMEOUT_MS,
  OWNER_STATUS_POLL_MS,
  OWNER_TAKEOVER_GRACE_MS,
  ownerJobId,
  QueueName,
  type EventOwnerPayload,
  type ForwardedPayload,
  type OwnerProgress,
} from '@relay/queue';
import { DelayedError, WaitingError, type Job, type Queue } from 'bullmq';
import { EventStateRepository } from './event-state.repository';
import { EventWritesService } from './event-writes.service';
import { InputPresenceService } from './input-presence.service';
import { PipelinesService } from './pipelines.service';

type OwnerJob = Job<EventOwnerPayload, void, EventOwnerJob>;

/** One event owned by this relay, through one delivery of its owner job. */
interface Claim {
  readonly eventId: string;
  readonly job: OwnerJob;
  readonly token: string;
  /** Ends the current pause of the holding loop at once. */
  wake: () => void;
  /** The status is to be read again at the next turn of the loop. */
  pollNow: boolean;
  /** The pipeline still has to be started (the database was away). */
  startPending: boolean;
  /** This delivery no longer owns the event: released, superseded, fenced or handed over. */
  over: boolean;
  /** The lock was found missing (Redis lost it) and it was logged. */
  lockMissing: boolean;
}

type Renewal = 'held' | 'unreachable' | 'lost';

const ON_AIR = new Set(['standby', 'live']);

/**
 * Which events this relay process owns (see `@relay/queue` event-ownership). The owner job's processor
 * calls {@link own}, which starts the event's pipeline and holds the event until it goes off air, renewing
 * the job's lock itself. Fencing: legs start only after a renewal succeeded, and when another relay holds
 * the lock the legs stop at once; a takeover from a process that did not hand over waits
 * OWNER_TAKEOVER_GRACE_MS first. While Redis cannot be reached the legs stay up (nobody can take the
 * event over without Redis). A second delivery of the job to this relay is adopted (nothing restarts).
 */
@Injectable()
export class OwnershipService {
  private readonly logger = new Logger('Ownership');
  private readonly claims = new Map<string, Claim>();
  private closing = false;
  /** Who this relay is, in timeline entries and logs: `<host>/<pid>:<rtmp port>`. */
  readonly relay: string;

  constructor(
    @InjectQueue(QueueName.EventOwner) private readonly queue: Queue<EventOwnerPayload>,
    private readonly pipelines: PipelinesService,
    private readonly repository: EventStateRepository,
    private readonly writes: EventWritesService,
    private readonly presence: InputPresenceService,
  ) {
    this.relay = presence.relay;
    this.pipelines.onEventStopping((eventId) => this.wake(eventId));
  }

  /** Whether this relay owns the event now. */
  owns(eventId: string): boolean {
    return this.claims.has(eventId);
  }

  /** Adds the event's owner job (nothing when it exists): a relay's worker will take the event. */
  async claim(eventId: string): Promise<void> {
    await this.queue.add(
      EventOwnerJob.Own,
      { eventId },
      { ...OWNER_JOB_OPTIONS, jobId: ownerJobId(eventId) },
    );
  }

  /** Claims every event left on air (start-up): taken over once their previous owner's lock expires. */
  async claimOnAirEvents(): Promise<void> {
    const ids = await this.repository.findOnAirEventIds();
    for (const eventId of ids) await this.claim(eventId);
    if (ids.length > 0) this.logger.log(`Claimed ${ids.length} on-air event(s)`);
  }

  /** The event was started: starts it here if this relay owns it, else makes sure a relay will. */
  async requestStart(eventId: string): Promise<void> {
    const claim = this.claims.get(eventId);
    if (claim) await this.startOwned(claim);
    else await this.claim(eventId);
  }

  /** Reads the event's status again now (it was stopped, or its slate timed out). */
  wake(eventId: string): void {
    const claim = this.claims.get(eventId);
    if (!claim) return;
    claim.pollNow = true;
    claim.wake();
  }

  /** Whether another relay process holds the event's owner job now. */
  async ownedElsewhere(eventId: string): Promise<boolean> {
    if (this.claims.has(eventId)) return false;
    return (await this.queue.getJobState(ownerJobId(eventId))) === 'active';
  }

  /**
   * Passes `job` on to `queue` again, after FORWARD_DELAY_MS, so the owner's worker can take it; false
   * when it was passed on MAX_FORWARD_HOPS times already (then nobody acts on it).
   */
  async forward<T extends ForwardedPayload & { eventId: string }>(
    queue: Queue<T>,
    job: Job<T>,
  ): Promise<boolean> {
    const hops = (job.data.hops ?? 0) + 1;
    if (hops > MAX_FORWARD_HOPS) {
      this.logger.error(`Event ${job.data.eventId}: job ${job.name} never reached the relay owning it`);
      return false;
    }
    const { jobId, removeOnComplete, removeOnFail, attempts, backoff } = job.opts;
    await queue.add(job.name as never, { ...job.data, hops } as never, {
      delay: FORWARD_DELAY_MS,
      ...(jobId ? { jobId: `${jobId.replace(/~\d+$/, '')}~${hops}` } : {}),
      removeOnComplete,
      removeOnFail,
      attempts,
      backoff,
    });
    return true;
  }

  /** Body of the owner job: owns the event until it goes off air. Throws WaitingError when ownership ended otherwise. */
  async own(job: OwnerJob, token: string): Promise<void> {
    const { eventId } = job.data;
    if (this.closing) {
      await job.moveToDelayed(Date.now() + 500, token);
      throw new DelayedError();
    }
    const previous = this.claims.get(eventId);
    if (!previous && (await this.presence.elsewhere(eventId))) {
      // The encoders publish to another relay: leave the event to it (its worker takes the job soon).
      await job.moveToDelayed(Date.now() + FORWARD_DELAY_MS, token);
      throw new DelayedError();
    }
    const claim: Claim = {
      eventId,
      job,
      token,
      wake: () => undefined,
      pollNow: false,
      startPending: true,
      over: false,
      lockMissing: false,
    };
    this.claims.set(eventId, claim);
    if (previous) {
      // At-least-once delivery (or a stalled check after a Redis outage): same relay, nothing restarts.
      previous.over = true;
      previous.wake();
      claim.startPending = false;
      this.logger.log(`Event ${eventId}: owner job delivered again; this relay keeps the event`);
    } else {
      await this.acquire(claim);
    }
    if (await this.hold(claim)) return;
    throw new WaitingError();
  }

  /** SIGTERM: closes the legs of every owned event cleanly, then hands each event over (bounded). */
  async handOverAll(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.claims.values()].map((claim) => this.handOver(claim, 'handed over on shutdown')),
    );
  }

  private async acquire(claim: Claim): Promise<void> {
    const { eventId, job } = claim;
    const progress = typeof job.progress === 'object' ? (job.progress as Partial<OwnerProgress>) : {};
    const from = typeof progress.relay === 'string' && progress.relay !== this.relay ? progress : undefined;
    if (from && !from.handedOverAt) await this.pause(claim, OWNER_TAKEOVER_GRACE_MS);
    const since = Date.now();
    await within(job.updateProgress({ relay: this.relay, since } satisfies OwnerProgress)).catch(
      () => undefined,
    );
    this.logger.log(`Event ${eventId}: owned by this relay${from ? ` (taken over from ${from.relay})` : ''}`);
    this.writes.enqueue(eventId, 'owner changed', async () => {
      const cleared = await this.repository.forgetPreviousOwner(eventId, 'the relay running it stopped');
      // No leg runs here yet (their state writes follow this one): a previous owner's "live" is stale;
      // its give-ups hold (`failed`: not started here until a retry by hand).
      await this.repository.resetLegStates(eventId, { keepGivenUp: true });
      if (!from) return;
      await this.repository.addTimeline(eventId, 'event_started', {
        detail: {
          takeover: true,
          fromRelay: from.relay ?? null,
          toRelay: this.relay,
          cause: from.handedOverAt
            ? (from.handoverReason ?? 'handed over')
            : 'the relay running it stopped renewing its lock',
          slateCleared: cleared.slate,
          rehearsalsAborted: cleared.rehearsals,
        },
      });
    });
    await this.startOwned(claim);
  }

  /** Starts the pipeline, only while the lock is ours (fencing); retried by {@link hold} on failure. */
  private async startOwned(claim: Claim): Promise<void> {
    claim.startPending = true;
    if ((await this.renew(claim)) !== 'held' || claim.over) return;
    try {
      await this.pipelines.start(claim.eventId);
      claim.startPending = false;
    } catch (error) {
      this.logger.warn(`Event ${claim.eventId}: could not start yet (${messageOf(error)}); retrying`);
    }
  }

  /** Renews the lock and watches the status until the event is off air (true) or ownership ended (false). */
  private async hold(claim: Claim): Promise<boolean> {
    let nextPoll = Date.now() + OWNER_STATUS_POLL_MS;
    while (!claim.over) {
      await this.pause(claim, OWNER_RENEW_MS);
      if (claim.over) break;
      const renewal = await this.renew(claim);
      if (renewal === 'lost') {
        await this.fence(claim);
        break;
      }
      if (renewal === 'held' && claim.startPending) await this.startOwned(claim);
      const inputsAt = renewal === 'held' ? await this.presence.elsewhere(claim.eventId) : null;
      if (inputsAt) {
        await this.handOver(claim, `the encoders publish to ${inputsAt}`);
        break;
      }
      if (claim.pollNow || Date.now() >= nextPoll) {
        claim.pollNow = false;
        nextPoll = Date.now() + OWNER_STATUS_POLL_MS;
        if (await this.releaseIfOffAir(claim)) return true;
      }
    }
    return false;
  }

  private async renew(claim: Claim): Promise<Renewal> {
    try {
      const extended = await within(claim.job.extendLock(claim.token, OWNER_LOCK_MS));
      if (extended === undefined) return 'unreachable';
      if (extended === 1) {
        if (claim.lockMissing) this.logger.log(`Event ${claim.eventId}: lock held again`);
        claim.lockMissing = false;
        return 'held';
      }
      const client = await this.queue.client;
      const holder = await within(client.get(`${this.queue.toKey(ownerJobId(claim.eventId))}:lock`));
      if (holder === undefined) return 'unreachable';
      if (holder === null) return await this.lockMissing(claim);
      // Our own worker took a new delivery of the job: it adopts the event (see own()).
      if (holder.split(':')[0] === claim.token.split(':')[0]) return 'unreachable';
      return 'lost';
    } catch (error) {
      this.logger.debug(`Event ${claim.eventId}: lock renewal failed (${messageOf(error)})`);
      return 'unreachable';
    }
  }

  /** Nobody holds the lock: Redis lost it (an outage). Keep the legs; the stalled check re-delivers the job. */
  private async lockMissing(claim: Claim): Promise<Renewal> {
    if (!claim.lockMissing)
      this.logger.warn(`Event ${claim.eventId}: the owner lock is gone (Redis outage?); keeping the legs`);
    claim.lockMissing = true;
    const state = await within(this.queue.getJobState(ownerJobId(claim.eventId)));
    if (state === 'unknown') await this.claim(claim.eventId).catch(() => undefined);
    return 'unreachable';
  }

  /** Another relay holds the lock: stop this relay's legs now, so two relays never push the same leg. */
  private async fence(claim: Claim): Promise<void> {
    claim.over = true;
    if (this.claims.get(claim.eventId) === claim) this.claims.delete(claim.eventId);
    this.logger.error(`Event ${claim.eventId}: another relay took the event over; stopping its legs here`);
    await this.pipelines.halt(claim.eventId);
  }

  private async releaseIfOffAir(claim: Claim): Promise<boolean> {
    const status = await this.repository.findEventStatus(claim.eventId).catch(() => 'unknown');
    if (status === 'unknown' || (status !== null && ON_AIR.has(status))) return false;
    if (this.pipelines.get(claim.eventId)?.isStarted) await this.pipelines.stop(claim.eventId);
    const again = await this.repository.findEventStatus(claim.eventId).catch(() => 'unknown');
    if (again === 'unknown' || (again !== null && ON_AIR.has(again))) {
      await this.startOwned(claim);
      return false;
    }
    claim.over = true;
    if (this.claims.get(claim.eventId) === claim) this.claims.delete(claim.eventId);
    this.logger.log(`Event ${claim.eventId}: off air; released`);
    return true;
  }

  /** Closes the event's legs cleanly, then puts its job back in `wait` for another relay's worker. */
  private async handOver(claim: Claim, reason: string): Promise<void> {
    const { eventId, job, token } = claim;
    claim.over = true;
    this.claims.delete(eventId);
    claim.wake();
    const startedAt = Date.now();
    await this.pipelines.halt(eventId);
    try {
      const progress = typeof job.progress === 'object' ? job.progress : {};
      await within(
        job.updateProgress({
          ...progress,
          relay: this.relay,
          handedOverAt: Date.now(),
          handoverReason: reason,
        }),
      );
      if ((await within(job.moveToWait(token))) === undefined) throw new Error('Redis did not answer');
      this.logger.log(
        `Event ${eventId}: legs closed and event handed over in ${Date.now() - startedAt} ms (${reason})`,
      );
    } catch (error) {
      this.logger.warn(
        `Event ${eventId}: legs closed; not handed over (${messageOf(error)}), the lock expires`,
      );
    }
  }

  private pause(claim: Claim, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      claim.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** `promise`, or undefined when it did not settle within OWNER_RENEW_TIMEOUT_MS (Redis unreachable). */
async function within<T>(promise: Promise<T>, ms = OWNER_RENEW_TIMEOUT_MS): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined);
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

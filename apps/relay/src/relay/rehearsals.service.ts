import { Injectable, Logger, Optional } from '@nestjs/common';
import { RehearsalRefused, RehearsalRun, type RehearsalReport } from '@relay/media';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { EventStateRepository } from './event-state.repository';
import { EventWritesService } from './event-writes.service';
import { PipelinesService } from './pipelines.service';
import { RehearsalRecordsRepository } from './rehearsal-records.repository';

/** Extra time (ms) after failbackAfterMs to wait for the primary's keyframe at the end of a rehearsal. */
const FAILBACK_GRACE_MS = 10_000;

/** Runs failover rehearsals on this relay's live pipelines and stores their reports. */
@Injectable()
export class RehearsalsService {
  private readonly logger = new Logger('Rehearsals');
  private readonly running = new Map<string, { eventId: string; run: RehearsalRun }>();

  constructor(
    private readonly repository: RehearsalRecordsRepository,
    private readonly eventState: EventStateRepository,
    private readonly pipelines: PipelinesService,
    private readonly writes: EventWritesService,
    @Optional() private readonly webhooks?: WebhookEventsService,
  ) {
    this.pipelines.onEventStopping((eventId) => this.abortFor(eventId, 'the event was stopped'));
  }

  /** Starts rehearsal `rehearsalId`; a refusal is stored as an aborted rehearsal with the reason. */
  async start(eventId: string, rehearsalId: string): Promise<void> {
    const rehearsal = await this.repository.findRunningRehearsal(rehearsalId);
    if (!rehearsal || this.running.has(rehearsalId)) return; // ended already, or a duplicate delivery
    const pipeline = this.pipelines.get(eventId);
    const settings = pipeline?.settings;
    const done = (report: RehearsalReport): void => this.finish(eventId, rehearsalId, report);
    if (!pipeline || !settings) {
      done(
        refusedReport('The event is not live on this relay: start it and wait for the program to be on air'),
      );
      return;
    }
    const run = new RehearsalRun(
      pipeline,
      {
        durationMs: rehearsal.durationMs,
        expectFailback: settings.mode === 'primary-preferred',
        failbackWaitMs: settings.failbackAfterMs + FAILBACK_GRACE_MS,
      },
      done,
    );
    try {
      run.start();
    } catch (error) {
      if (!(error instanceof RehearsalRefused)) throw error;
      done(refusedReport(error.message));
      return;
    }
    this.running.set(rehearsalId, { eventId, run });
    this.logger.log(`Event ${eventId}: rehearsal ${rehearsalId} started (${rehearsal.durationMs} ms)`);
    this.writes.enqueue(eventId, 'rehearsal started', () =>
      this.eventState.addTimeline(eventId, 'rehearsal_started', {
        input: 'primary',
        detail: { rehearsalId, durationMs: rehearsal.durationMs },
      }),
    );
  }

  private abortFor(eventId: string, reason: string): void {
    for (const { eventId: id, run } of this.running.values()) if (id === eventId) run.abort(reason);
  }

  private finish(eventId: string, rehearsalId: string, report: RehearsalReport): void {
    this.running.delete(rehearsalId);
    this.logger.log(`Event ${eventId}: rehearsal ${rehearsalId} ${report.status}, verdict ${report.verdict}`);
    this.writes.enqueue(eventId, 'rehearsal ended', async () => {
      await this.repository.finishRehearsal(rehearsalId, report);
      await this.eventState.addTimeline(eventId, 'rehearsal_ended', {
        detail: {
          rehearsalId,
          status: report.status,
          verdict: report.verdict,
          reasons: report.reasons.join('; '),
        },
      });
    });
    this.webhooks?.emit(eventId, 'rehearsal.completed', {
      rehearsalId,
      status: report.status,
      verdict: report.verdict,
      reasons: report.reasons,
    });
  }
}

function refusedReport(reason: string): RehearsalReport {
  return {
    status: 'aborted',
    verdict: 'fail',
    detectionMs: null,
    switchGapMs: null,
    failbackGapMs: null,
    legReconnects: 0,
    legs: [],
    reasons: [reason],
    endedAt: Date.now(),
  };
}

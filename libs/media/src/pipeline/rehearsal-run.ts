import { FlvTagType } from '../protocols/flv/flv-constants';
import { isVideoSequenceHeader } from '../protocols/flv/flv-tag';
import type { ProgramPacket, ProgramReader } from '../switcher/program-packet';
import type { SwitchDecision } from '../switcher/switcher-types';
import type { EventPipeline } from './event-pipeline';
import type { PipelineObserver } from './pipeline-types';

/** The backup must be on air within this long after the drop (ms) for a pass. */
export const REHEARSAL_TAKEOVER_LIMIT_MS = 1000;
/** Bytes each leg received from the drop to this long after the failover (ms) = bytesDuringSwitch. */
const SWITCH_WINDOW_AFTER_MS = 2000;
/** Video timestamps kept to measure the hole at a switch. */
const TIMESTAMP_HISTORY = 64;
/** The program is watched this long (ms) before the drop, so the hole at the switch can be measured. */
const PRE_ROLL_MS = 1000;

/** Why a rehearsal cannot start; the message says what to do. */
export class RehearsalRefused extends Error {
  override readonly name = 'RehearsalRefused';
}

/** One leg in a rehearsal report. */
export interface RehearsalLegReport {
  readonly destinationId: string;
  /** The leg kept its connection (same run, no exit) for the whole rehearsal. */
  readonly stayedConnected: boolean;
  /** Program bytes written to the leg from the drop to 2 s after the failover. */
  readonly bytesDuringSwitch: number;
}

/** The outcome of a rehearsal. Durations in ms; null when the step did not happen. */
export interface RehearsalReport {
  readonly status: 'completed' | 'aborted';
  readonly verdict: 'pass' | 'fail';
  /** From the drop to the switch decision. */
  readonly detectionMs: number | null;
  /** Hole in the program's video timeline at the failover, beyond one frame interval. */
  readonly switchGapMs: number | null;
  /** Same at the failback. */
  readonly failbackGapMs: number | null;
  readonly legReconnects: number;
  readonly legs: RehearsalLegReport[];
  /** Plain-words findings, failures first. */
  readonly reasons: string[];
  /** Wall clock (ms) when the rehearsal ended. */
  readonly endedAt: number;
}

/** Options of a {@link RehearsalRun}. Durations in ms. */
export interface RehearsalOptions {
  readonly durationMs: number;
  /** Whether the event's mode brings the primary back (primary-preferred) after the rehearsal. */
  readonly expectFailback: boolean;
  /** How long to wait for the failback after the primary is restored. */
  readonly failbackWaitMs: number;
}

/**
 * A failover rehearsal on a live pipeline: the primary keeps publishing but is treated as lost for
 * `durationMs` (FailoverSwitcher.simulateLoss), then restored; failback follows the event's mode.
 * It measures what a platform would have seen (detection time, the hole in the program's video
 * timestamps at each switch, leg reconnects, bytes each leg received across the switch) and gives a
 * verdict: pass only when the backup was on air within 1 s, no leg reconnected, and the backup stayed
 * live throughout. A real loss of the backup aborts it at once and restores the primary.
 */
export class RehearsalRun implements PipelineObserver, ProgramReader {
  private dropAt = 0;
  private failover: SwitchDecision | null = null;
  private failback: SwitchDecision | null = null;
  private switchGapMs: number | null = null;
  private failbackGapMs: number | null = null;
  private restored = false;
  private finished = false;
  private abortReason: string | null = null;
  private readonly exitedLegs = new Set<string>();
  private startLegs = new Map<string, { run: number; bytes: number }>();
  private switchBytes = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly videoTs: number[] = [];
  private attaching = false;

  constructor(
    private readonly pipeline: EventPipeline,
    private readonly options: RehearsalOptions,
    private readonly onDone: (report: RehearsalReport) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Starts watching the program and drops the primary one second later.
   * @throws RehearsalRefused when the program is not on air on the primary or the backup is not live.
   */
  start(): void {
    const refusal = this.refusal();
    if (refusal) throw new RehearsalRefused(refusal);
    this.pipeline.addObserver(this);
    this.attaching = true;
    this.pipeline.program.attach(this);
    this.attaching = false;
    this.timers.push(setTimeout(() => this.drop(), PRE_ROLL_MS));
  }

  /** What keeps a rehearsal from starting now, in words that say what to do; null when it can start. */
  private refusal(): string | null {
    const { switcher } = this.pipeline;
    if (!this.pipeline.isLive) return 'The event is not live: start it and wait for the program to be on air';
    if (switcher.activeInput !== 'primary') {
      return 'The primary is not on air: a rehearsal drops the primary, so wait until it is back on air';
    }
    if (switcher.inputState('backup') !== 'live') {
      return 'The backup is not live: connect the backup encoder and wait until its state is "live"';
    }
    return null;
  }

  private drop(): void {
    const refusal = this.refusal();
    if (refusal) {
      this.abortReason = refusal;
      this.finish();
      return;
    }
    this.startLegs = new Map(
      this.pipeline.legStatuses().map((l) => [l.destinationId, { run: l.run, bytes: l.bytesWritten }]),
    );
    this.dropAt = this.clock();
    this.timers.push(setTimeout(() => this.restore(), this.options.durationMs));
    this.pipeline.simulateLoss('primary', 'rehearsal: primary dropped on purpose');
  }

  /** Ends the rehearsal now (e.g. the event stopped): the primary is restored, the report says why. */
  abort(reason: string): void {
    if (this.finished) return;
    this.abortReason = reason;
    if (this.dropAt > 0) this.pipeline.endSimulatedLoss('primary');
    this.finish();
  }

  /** ProgramReader: keeps the recent video timestamps the program sent. */
  write(packet: ProgramPacket): void {
    if (this.attaching) return; // the cached GOP replayed to a new reader is not new program output
    const tag = packet.tag;
    if (tag.type !== FlvTagType.Video || isVideoSequenceHeader(tag)) return;
    this.videoTs.push(tag.timestamp);
    if (this.videoTs.length > TIMESTAMP_HISTORY) this.videoTs.shift();
  }

  switched(decision: SwitchDecision): void {
    if (this.finished) return;
    if (!this.failover && decision.to === 'backup') {
      this.failover = decision;
      this.switchGapMs = this.holeAt(decision.programTimestamp);
      this.timers.push(setTimeout(() => this.recordSwitchBytes(), SWITCH_WINDOW_AFTER_MS));
    } else if (this.restored && decision.to === 'primary') {
      this.failback = decision;
      this.failbackGapMs = this.holeAt(decision.programTimestamp);
      this.finish();
    }
  }

  inputStateChanged(role: 'primary' | 'backup', state: string, reason: string): void {
    if (role === 'backup' && state !== 'live' && this.dropAt > 0 && !this.finished) {
      this.abort(`the backup was lost during the rehearsal (${reason})`);
    }
  }

  legExited(destinationId: string): void {
    this.exitedLegs.add(destinationId);
  }

  private restore(): void {
    if (this.finished) return;
    this.restored = true;
    this.pipeline.endSimulatedLoss('primary');
    if (!this.options.expectFailback) this.finish();
    else this.timers.push(setTimeout(() => this.finish(), this.options.failbackWaitMs));
  }

  private recordSwitchBytes(): void {
    this.switchBytes = new Map(this.pipeline.legStatuses().map((l) => [l.destinationId, l.bytesWritten]));
  }

  /**
   * Hole in the video timeline at a switch whose first tag has program timestamp `start`: the step from
   * the last earlier timestamp to the first later one, minus the usual frame interval before it.
   */
  private holeAt(start: number): number | null {
    const before = this.videoTs.filter((ts) => ts < start);
    const after = this.videoTs.filter((ts) => ts >= start);
    if (before.length < 2 || after.length === 0) return null;
    const intervals = before.slice(1).map((ts, i) => ts - before[i]!);
    const usual = intervals.sort((a, b) => a - b)[Math.floor(intervals.length / 2)]!;
    return Math.max(0, after[0]! - before[before.length - 1]! - usual);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.pipeline.removeObserver(this);
    this.pipeline.program.detach(this);
    if (this.switchBytes.size === 0) this.recordSwitchBytes();
    this.onDone(this.report());
  }

  private report(): RehearsalReport {
    const now = this.clock();
    const current = new Map(this.pipeline.legStatuses().map((l) => [l.destinationId, l]));
    const legs = [...this.startLegs.entries()].map(([destinationId, start]) => ({
      destinationId,
      stayedConnected: !this.exitedLegs.has(destinationId) && current.get(destinationId)?.run === start.run,
      bytesDuringSwitch: Math.max(0, (this.switchBytes.get(destinationId) ?? start.bytes) - start.bytes),
    }));
    const legReconnects = legs.filter((l) => !l.stayedConnected).length;
    const takeoverMs = this.failover ? this.failover.committedAt - this.dropAt : null;
    const failures: string[] = [];
    const findings: string[] = [];
    if (this.abortReason) failures.push(`Aborted: ${this.abortReason}`);
    if (takeoverMs === null) failures.push('The backup never went on air');
    else if (takeoverMs > REHEARSAL_TAKEOVER_LIMIT_MS)
      failures.push(
        `The backup went on air after ${takeoverMs} ms (limit ${REHEARSAL_TAKEOVER_LIMIT_MS} ms)`,
      );
    else findings.push(`The backup went on air ${takeoverMs} ms after the drop`);
    if (legReconnects > 0) failures.push(`${legReconnects} leg(s) had to reconnect`);
    else findings.push('Every leg stayed connected');
    if (!this.abortReason) findings.push('The backup stayed live for the whole rehearsal');
    if (this.options.expectFailback && this.restored && !this.abortReason) {
      if (this.failback)
        findings.push(
          `The primary took back over ${this.failback.committedAt - this.dropAt - this.options.durationMs} ms after it was restored`,
        );
      else
        findings.push(
          `The primary did not take back over within ${this.options.failbackWaitMs} ms of being restored`,
        );
    }
    return {
      status: this.abortReason ? 'aborted' : 'completed',
      verdict: failures.length === 0 ? 'pass' : 'fail',
      detectionMs: this.failover ? this.failover.decidedAt - this.dropAt : null,
      switchGapMs: this.switchGapMs,
      failbackGapMs: this.failbackGapMs,
      legReconnects,
      legs,
      reasons: [...failures, ...findings],
      endedAt: now,
    };
  }
}

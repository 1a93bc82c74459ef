/**
 * The fault cycle of the failover benchmark and the matching of its faults to what the destinations saw.
 *
 * The cycle is paced by the relay, not by the destinations, so a slow leg cannot stretch it: fault → the
 * relay's "failover" log line → the primary recovers at once (restarted after a kill, resumed after a
 * pause) → the relay's "failback" log line → a pause of `settleMs` plus a random part of one GOP (so faults
 * fall anywhere in the GOP) → next fault. Afterwards the k-th switch to the backup seen at a destination
 * is matched to the k-th fault the relay switched on, and the switch after it (back to the primary) to its
 * failback.
 */
import type { Publisher } from '../utils/publishers';
import type { RelayStack } from '../utils/relay-stack';
import { describeSwitch, sourceChanges, type SwitchAtDestination } from './failover-analysis';
import { nowMs, type RtmpSubscriber } from './failover-subscriber';
import type { SwitchDetail } from './failover-timeline';

export type Scenario = 'kill' | 'stall';

/** One fault and its two switches (failover, then failback), per destination. Times from {@link nowMs}. */
export interface FaultResult {
  readonly index: number;
  readonly faultAt: number;
  /** Arrival of the relay's "failover primary → backup" log line (its switch commit), or null. */
  readonly relayLogAt: number | null;
  /** Arrival of the relay's "failback backup → primary" log line, or null. */
  readonly failbackLogAt: number | null;
  readonly error: string | null;
  failover: Array<SwitchAtDestination | null>;
  failback: Array<SwitchAtDestination | null>;
  api: SwitchDetail | null;
  apiFailback: SwitchDetail | null;
}

/** What the cycle needs from its block. */
export interface CycleContext {
  readonly stack: RelayStack;
  readonly eventId: string;
  readonly scenario: Scenario;
  readonly stallTimeoutMs: number;
  readonly failbackAfterMs: number;
  readonly settleMs: number;
  readonly gopMs: number;
  readonly startPrimary: () => Publisher;
  readonly log: (line: string) => void;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the arrival time of the relay's next log line matching `re`, or null after `timeoutMs`. */
function nextRelayLine(ctx: CycleContext, re: RegExp, timeoutMs: number): Promise<number | null> {
  return ctx.stack.relay.waitForLine(re, timeoutMs, false).then(
    () => nowMs(),
    () => null,
  );
}

/**
 * Runs one fault on `primary` and its recovery; returns the fault and the primary publisher to use next
 * (a new one after a kill).
 */
export async function runFault(
  ctx: CycleContext,
  primary: Publisher,
  index: number,
): Promise<{ fault: FaultResult; primary: Publisher }> {
  await delay(ctx.settleMs + Math.random() * ctx.gopMs);
  const failover = nextRelayLine(
    ctx,
    new RegExp(`${ctx.eventId}: failover primary → backup`),
    ctx.stallTimeoutMs + 10_000,
  );
  const faultAt = nowMs();
  if (ctx.scenario === 'kill') primary.kill();
  else primary.pause();
  const relayLogAt = await failover;
  const failback = nextRelayLine(
    ctx,
    new RegExp(`${ctx.eventId}: failback backup → primary`),
    ctx.failbackAfterMs + 20_000,
  );
  // Recover at once: a real encoder reconnects (or thaws) on its own machine.
  if (ctx.scenario === 'kill') {
    await primary.exited;
    primary = ctx.startPrimary();
  } else primary.resume();
  const failbackLogAt = await failback;
  const error =
    relayLogAt === null
      ? 'the relay did not fail over'
      : failbackLogAt === null
        ? 'the relay did not fail back'
        : null;
  if (error) ctx.log(`${ctx.scenario} #${index + 1}: ${error}`);
  const fault: FaultResult = {
    index,
    faultAt,
    relayLogAt,
    failbackLogAt,
    error,
    failover: [],
    failback: [],
    api: null,
    apiFailback: null,
  };
  return { fault, primary };
}

/** Number of switches each destination must show once every switch of `faults` has reached it. */
export function expectedChanges(faults: readonly FaultResult[]): number {
  return faults.reduce((n, f) => n + (f.relayLogAt !== null ? 1 : 0) + (f.failbackLogAt !== null ? 1 : 0), 0);
}

/**
 * Fills each fault's `failover` and `failback` with what `subscriber` (destination `d`) saw, using only
 * switches that arrived after tag index `fromIndex` (the stream before the first fault).
 */
export function matchDestination(
  faults: FaultResult[],
  subscriber: RtmpSubscriber,
  d: number,
  fromIndex: number,
  sources: { primary: string; backup: string },
): void {
  const changes = sourceChanges(subscriber).filter((c) => c.index >= fromIndex);
  let next = 0;
  const take = (source: string): number | null => {
    while (next < changes.length && changes[next]!.source !== source) next++;
    return next < changes.length ? changes[next++]!.index : null;
  };
  const taken = faults.map((f) => ({
    over: f.relayLogAt !== null ? take(sources.backup) : null,
    back: f.failbackLogAt !== null ? take(sources.primary) : null,
  }));
  const atOf = (i: number | null | undefined): number =>
    i === null || i === undefined ? Number.POSITIVE_INFINITY : subscriber.tags[i]!.at;
  for (const [k, f] of faults.entries()) {
    const { over, back } = taken[k]!;
    f.failover[d] = over === null ? null : describeSwitch(subscriber, over, f.faultAt, atOf(back));
    f.failback[d] =
      back === null ? null : describeSwitch(subscriber, back, f.failbackLogAt!, atOf(taken[k + 1]?.over));
  }
}

/**
 * One block of the failover benchmark: a fresh event in one switch mode, two nginx-rtmp destinations with
 * an {@link RtmpSubscriber} on each, two ffmpeg publishers (primary and backup, different picture sizes),
 * then `faults` faults of one kind on the primary (see failover-cycle.ts).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventJson, SwitchAt } from '@relay/contracts';
import { startNginxRtmp, type TestNginxRtmp } from '../utils/nginx-rtmp';
import { waitFor } from '../utils/processes';
import { startFfmpegPublisher, type Publisher } from '../utils/publishers';
import type { RelayStack } from '../utils/relay-stack';
import { sourceChanges, wholeTimeline } from './failover-analysis';
import {
  expectedChanges,
  matchDestination,
  runFault,
  type CycleContext,
  type FaultResult,
  type Scenario,
} from './failover-cycle';
import type { ProcSampler, ProcUsage } from './failover-sampler';
import { RtmpSubscriber } from './failover-subscriber';
import { fetchSwitches } from './failover-timeline';

export type { FaultResult, Scenario } from './failover-cycle';

/** Settings of a benchmark run; durations in ms. */
export interface BenchConfig {
  readonly faults: number;
  readonly stallTimeoutMs: number;
  readonly failbackAfterMs: number;
  readonly fps: number;
  readonly gopFrames: number;
  readonly primary: { readonly width: number; readonly height: number };
  readonly backup: { readonly width: number; readonly height: number };
  /** Pause after a failback before the next fault; a random part of one GOP is added. */
  readonly settleMs: number;
  /** Date.now() after which no new fault starts. */
  readonly deadline: number;
  /** Where nginx keeps its files (a private directory: other test runs clean the OS temp dir). */
  readonly workDir: string;
  /** Write every tag and the recordings to test-output/ (env DUMP_TAGS=1), for diagnosis. */
  readonly dump: boolean;
}

export interface BlockResult {
  readonly mode: SwitchAt;
  readonly scenario: Scenario;
  readonly faults: FaultResult[];
  readonly publishCounts: number[];
  readonly restarts: number[];
  /** NetStream.Play.UnpublishNotify seen by each subscriber before the event was stopped. */
  readonly unpublishes: number[];
  readonly timelines: Array<ReturnType<typeof wholeTimeline>>;
  readonly idle: ProcUsage | null;
  readonly steady: { relay: ProcUsage | null; legs: ProcUsage[] };
  readonly faulting: { relay: ProcUsage | null; legs: ProcUsage[] };
  readonly durationMs: number;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const size = (s: { width: number; height: number }): string => `${s.width}x${s.height}`;

function dumpTags(block: string, subscribers: RtmpSubscriber[], faults: FaultResult[]): void {
  mkdirSync('test-output', { recursive: true });
  const marks = faults.map(
    (f) => `# fault ${f.index} at ${f.faultAt.toFixed(1)} relay ${f.relayLogAt?.toFixed(1)}`,
  );
  for (const [i, s] of subscribers.entries()) {
    const rows = s.tags.map(
      (t) => `${t.at.toFixed(1)},${t.type},${t.dts},${t.keyframe ? 1 : 0},${t.config ? 1 : 0},${t.source}`,
    );
    const file = join('test-output', `failover-tags-${block}-${i}.csv`);
    writeFileSync(file, [...marks, 'at,type,dts,key,config,source', ...rows].join('\n'));
  }
}

export async function runBlock(
  stack: RelayStack,
  sampler: ProcSampler,
  cfg: BenchConfig,
  mode: SwitchAt,
  scenario: Scenario,
  log: (line: string) => void,
): Promise<BlockResult> {
  const started = Date.now();
  const sources = { primary: size(cfg.primary), backup: size(cfg.backup) };
  const destinations: TestNginxRtmp[] = [];
  for (let i = 0; i < 2; i++) destinations.push(await startNginxRtmp({ parentDir: cfg.workDir }));
  const subscribers: RtmpSubscriber[] = [];
  let primary: Publisher | null = null;
  let backup: Publisher | null = null;
  try {
    const created = await stack.request<EventJson>('POST', '/v1/events', {
      name: `Failover bench ${mode} ${scenario}`,
      failover: {
        mode: 'primary-preferred',
        switchAt: mode,
        stallTimeoutMs: cfg.stallTimeoutMs,
        failbackAfterMs: cfg.failbackAfterMs,
        flapDamping: { maxFailovers: 0 }, // a fault every few seconds on purpose: no damping
      },
    });
    if (created.status !== 201) throw new Error(`POST /v1/events: ${created.status}`);
    const event = created.body;
    const getEvent = async (): Promise<EventJson> =>
      (await stack.request<EventJson>('GET', `/v1/events/${event.id}`)).body;
    for (const [i, d] of destinations.entries()) {
      const added = await stack.request('POST', `/v1/events/${event.id}/destinations`, {
        name: `nginx ${i}`,
        url: d.url,
        streamKey: `destination-key-${i}`,
      });
      if (added.status !== 201) throw new Error(`POST destinations: ${added.status}`);
      subscribers.push(await RtmpSubscriber.play(d.port, 'live', `destination-key-${i}`));
    }
    const idleFrom = Date.now();
    await delay(3000);
    const idle = sampler.relay(idleFrom, Date.now());

    const publisher = (url: string, picture: { width: number; height: number }): Publisher =>
      startFfmpegPublisher({ url, ...picture, fps: cfg.fps, gopFrames: cfg.gopFrames, maxDurationSec: 1800 });
    const startPrimary = (): Publisher => publisher(event.ingest.primary.url, cfg.primary);
    primary = startPrimary();
    backup = publisher(event.ingest.backup.url, cfg.backup);
    await waitFor(
      async () => {
        const e = await getEvent();
        return e.ingest.primary.state === 'live' && e.ingest.backup.state === 'live';
      },
      { timeoutMs: 30_000, message: 'both encoders publishing' },
    );
    await stack.request('POST', `/v1/events/${event.id}/start`);
    await waitFor(
      async () => {
        const e = await getEvent();
        return e.activeInput === 'primary' && e.destinations.every((d) => d.state === 'live');
      },
      { timeoutMs: 30_000, message: 'event live on the primary with both legs live' },
    );
    await Promise.all(subscribers.map((s) => s.firstFrameFrom(sources.primary, 0, 30_000)));

    const steadyFrom = Date.now();
    await delay(8000);
    const steadyTo = Date.now();
    const fromIndex = subscribers.map((s) => s.tags.length);
    log(`${mode} ${scenario}: event live, steady state sampled; ${cfg.faults} faults follow`);

    const ctx: CycleContext = {
      stack,
      eventId: event.id,
      scenario,
      stallTimeoutMs: cfg.stallTimeoutMs,
      failbackAfterMs: cfg.failbackAfterMs,
      settleMs: cfg.settleMs,
      gopMs: (cfg.gopFrames / cfg.fps) * 1000,
      startPrimary,
      log: (line) => log(`${mode} ${line}`),
    };
    const faults: FaultResult[] = [];
    for (let index = 0; index < cfg.faults && Date.now() < cfg.deadline; index++) {
      const next = await runFault(ctx, primary, index);
      primary = next.primary;
      faults.push(next.fault);
      if ((index + 1) % 5 === 0) log(`${mode} ${scenario}: ${index + 1} faults done`);
    }
    const faultsTo = Date.now();
    // The legs may deliver late: wait until every switch has reached both destinations.
    const expected = expectedChanges(faults);
    await waitFor(
      () =>
        subscribers.every(
          (s, i) => sourceChanges(s).filter((c) => c.index >= fromIndex[i]!).length >= expected,
        ),
      { timeoutMs: 40_000, intervalMs: 500, message: 'every switch at both destinations' },
    ).catch((error: Error) => log(`${mode} ${scenario}: ${error.message}`));
    const before = await getEvent();
    const unpublishes = subscribers.map(
      (s) => s.statuses.filter((st) => st.code === 'NetStream.Play.UnpublishNotify').length,
    );

    await stack.request('POST', `/v1/events/${event.id}/stop`);
    for (const d of destinations) {
      await waitFor(() => d.publishCount() >= 1, { timeoutMs: 15_000, message: 'legs closed' }).catch(
        () => undefined,
      );
    }
    await delay(500);

    const { failovers, failbacks } = await fetchSwitches(stack, event.id);
    for (const [d, s] of subscribers.entries()) matchDestination(faults, s, d, fromIndex[d]!, sources);
    let [over, back] = [0, 0];
    for (const f of faults) {
      if (f.relayLogAt !== null) f.api = failovers[over++] ?? null;
      if (f.failbackLogAt !== null) f.apiFailback = failbacks[back++] ?? null;
    }
    if (cfg.dump) dumpTags(`${mode}-${scenario}`, subscribers, faults);
    return {
      mode,
      scenario,
      faults,
      publishCounts: destinations.map((d) => d.publishCount()),
      restarts: before.destinations.map((d) => d.restarts),
      unpublishes,
      timelines: subscribers.map((s) => wholeTimeline(s)),
      idle,
      steady: { relay: sampler.relay(steadyFrom, steadyTo), legs: sampler.legs(steadyFrom, steadyTo) },
      faulting: { relay: sampler.relay(steadyTo, faultsTo), legs: sampler.legs(steadyTo, faultsTo) },
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all([primary?.stop('SIGKILL', 2000), backup?.stop('SIGINT', 3000)]);
    for (const s of subscribers) s.close();
    for (const [i, d] of destinations.entries()) {
      if (cfg.dump) {
        for (const [k, file] of d.recordings().entries())
          copyFileSync(file, join('test-output', `failover-rec-${mode}-${scenario}-${i}-${k}.flv`));
      }
    }
    await Promise.all(destinations.map((d) => d.remove()));
  }
}

/**
 * Markdown tables of the failover benchmark. Per fault, a timing is the later of the two destinations
 * (the slowest leg) and a media figure is the larger of the two.
 */
import { formatSummary, summarize, type SwitchAtDestination } from './failover-analysis';
import type { BenchConfig, BlockResult, FaultResult } from './failover-run';
import type { ProcUsage } from './failover-sampler';

type Field = keyof SwitchAtDestination;

const worst = (sides: Array<SwitchAtDestination | null>, field: Field): number =>
  sides.some((s) => s === null) ? Number.NaN : Math.max(...sides.map((s) => s![field]));

const ok = (b: BlockResult): FaultResult[] => b.faults.filter((f) => f.error === null);

function target(cfg: BenchConfig, b: BlockResult): number {
  return b.scenario === 'kill' ? 250 : cfg.stallTimeoutMs + 250;
}

const yesNo = (met: boolean): string => (met ? 'yes' : '**no**');
const fmtMb = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(1));
const fmtPct = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(1));

function timingRow(cfg: BenchConfig, b: BlockResult): string {
  const faults = ok(b);
  const latency = summarize(faults.map((f) => worst(f.failover, 'latency')));
  const firstNew = (f: FaultResult): number => Math.max(...f.failover.map((s) => s?.firstNewAt ?? NaN));
  const detect = summarize(faults.map((f) => (f.relayLogAt === null ? NaN : f.relayLogAt - f.faultAt)));
  const toDest = summarize(faults.map((f) => (f.relayLogAt === null ? NaN : firstNew(f) - f.relayLogAt)));
  const wait = summarize(faults.map((f) => f.api?.keyframeWaitMs ?? NaN));
  // A commit from the cache happens in the same call as the decision: 0 ms, or 1 when the clock ticked.
  const waited = faults.filter((f) => (f.api?.keyframeWaitMs ?? 0) > 5).length;
  return [
    b.mode,
    b.scenario === 'kill' ? 'hard disconnect (SIGKILL)' : 'stall (SIGSTOP)',
    `${faults.length}/${b.faults.length}`,
    formatSummary(latency),
    `< ${target(cfg, b)}`,
    yesNo(latency.n > 0 && latency.p95 < target(cfg, b)),
    formatSummary(detect),
    formatSummary(toDest),
    formatSummary(wait),
    `${faults.length - waited} / ${waited}`,
  ].join(' | ');
}

function mediaRow(cfg: BenchConfig, b: BlockResult): string {
  const faults = ok(b);
  const frameMs = 1000 / cfg.fps;
  const steps = faults.map((f) => worst(f.failover, 'videoStep'));
  const within = steps.filter((s) => s <= 2 * frameMs + 0.5).length;
  const catchUps = faults.filter((f) => (f.api?.gapMs ?? 0) > 0 || (f.apiFailback?.gapMs ?? 0) > 0);
  const catchUpMax = Math.max(
    0,
    ...catchUps.map((f) => Math.max(f.api?.gapMs ?? 0, f.apiFailback?.gapMs ?? 0)),
  );
  return [
    b.mode,
    b.scenario,
    formatSummary(summarize(steps)),
    `${within}/${steps.length}`,
    formatSummary(summarize(faults.map((f) => worst(f.failover, 'audioStep')))),
    formatSummary(summarize(faults.map((f) => worst(f.failover, 'freeze')))),
    formatSummary(summarize(faults.map((f) => worst(f.failover, 'replayLead')))),
    formatSummary(summarize(faults.map((f) => f.api?.replayedTags ?? NaN))),
    formatSummary(summarize(faults.map((f) => -(f.api?.driftMs ?? NaN)))),
    catchUps.length === 0 ? '0' : `${catchUps.length} (max ${catchUpMax} ms)`,
    formatSummary(summarize(faults.map((f) => worst(f.failback, 'videoStep')))),
    String(
      b.faults
        .flatMap((f) => [...f.failover, ...f.failback])
        .reduce((n, s) => n + (s?.backwardSteps ?? 0), 0),
    ),
  ].join(' | ');
}

function legsRow(b: BlockResult): string {
  const reconnects = b.publishCounts.map((n) => n - 1);
  return [
    b.mode,
    b.scenario,
    reconnects.join(', '),
    b.restarts.join(', '),
    b.unpublishes.join(', '),
    b.timelines.map((t) => t.backwardSteps).join(', '),
    b.timelines.map((t) => t.aheadMs.toFixed(0)).join(', '),
  ].join(' | ');
}

function usageRow(b: BlockResult): string {
  const legAvg = (legs: ProcUsage[], f: (u: ProcUsage) => number): string =>
    legs.length === 0
      ? '–'
      : legs
          .map(f)
          .map((v) => v.toFixed(1))
          .join(', ');
  const r = b.faulting.relay;
  return [
    b.mode,
    b.scenario,
    fmtMb(b.idle?.rssMaxMb),
    `${fmtPct(b.steady.relay?.cpuAvgPct)} / ${fmtPct(r?.cpuAvgPct)} (peak ${fmtPct(r?.cpuPeakPct)})`,
    `${fmtMb(r?.rssMaxMb)} / ${fmtMb(r?.anonMaxMb)}`,
    fmtMb(r?.anonGrowthMb),
    `${legAvg(b.steady.legs, (u) => u.cpuAvgPct)} / ${legAvg(b.faulting.legs, (u) => u.cpuAvgPct)}`,
    `${legAvg(b.faulting.legs, (u) => u.rssMaxMb)} / ${legAvg(b.faulting.legs, (u) => u.anonMaxMb)}`,
  ].join(' | ');
}

const table = (header: string[], rows: string[]): string[] => [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r} |`),
];

/** The benchmark's Markdown: four tables and the notes that say how each figure was taken. */
export function renderReport(cfg: BenchConfig, blocks: BlockResult[], header: string[]): string {
  const lines = [...header, ''];
  lines.push(
    'Wall clock from the fault to the first video frame of the new input at the destination (ms, p50 / p95 / max):',
    '',
  );
  lines.push(
    ...table(
      [
        'Switch mode',
        'Fault',
        'Faults ok',
        'Fault → first new frame',
        'Target p95',
        'Met',
        'Fault → relay switch (log)',
        'Relay switch → destination',
        'Keyframe wait (API)',
        'At once / after a keyframe wait (API)',
      ],
      blocks.map((b) => timingRow(cfg, b)),
    ),
    '',
    'Media timeline at the destination (ms, p50 / p95 / max; DTS steps of one frame interval mean no hole):',
    '',
    ...table(
      [
        'Switch mode',
        'Fault',
        'Video DTS step at failover',
        '≤ 2 frames',
        'Largest audio DTS step',
        'Freeze (wall clock)',
        'Replayed ahead of real time (destination)',
        'Replayed tags (API)',
        'Program ahead of the wall clock at the switch (API −driftMs)',
        'Drift catch-up holes (API)',
        'Video DTS step at failback',
        'Backward DTS steps',
      ],
      blocks.map((b) => mediaRow(cfg, b)),
    ),
    '',
    'Legs (per destination):',
    '',
    ...table(
      [
        'Switch mode',
        'Fault',
        'Reconnects (nginx publishes − 1)',
        'Restarts (API)',
        'UnpublishNotify at the subscriber',
        'Backward DTS steps, whole run',
        'Media ahead of real time at the end (ms)',
      ],
      blocks.map(legsRow),
    ),
    '',
    'Relay process (one event) and its ffmpeg legs, from /proc (CPU in % of one core; memory in MB):',
    '',
    ...table(
      [
        'Switch mode',
        'Fault',
        'Relay RSS before the event',
        'Relay CPU steady / during faults',
        'Relay RSS / RssAnon max',
        'Relay RssAnon growth during faults',
        'Per-leg CPU steady / during faults',
        'Per-leg RSS / RssAnon max',
      ],
      blocks.map(usageRow),
    ),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Failover benchmark (issue 3, item 8): real publishers (ffmpeg primary and backup) into the relay,
 * two nginx-rtmp destinations, and per switch mode `FAULTS` hard disconnects (SIGKILL of the primary) and
 * `FAULTS` stalls (SIGSTOP), each block on a fresh event. Everything is measured at the destinations by an
 * RTMP play client that stamps each tag on arrival (failover-subscriber.ts); the relay's timeline and
 * /proc complete the picture. Loopback only.
 *
 * Run: `make bench-failover` (or `node dist/test/bench/failover.bench.js` after a build).
 * Env: FAULTS (20), MODES (cached-keyframe,next-keyframe), SCENARIOS (kill,stall), STALL_TIMEOUT_MS (1000),
 * FAILBACK_AFTER_MS (1000), GOP_FRAMES (30, at 30 fps), BENCH_MAX_MINUTES (30: no fault starts later, and
 * the run is cut 3 minutes after that), SKIP_CALIBRATION=1, DUMP_TAGS=1 (every tag and the recordings to
 * test-output/). Smoke run: `FAULTS=2`.
 * Output: Markdown on stdout and in test-output/failover-bench.md; raw figures in failover-bench.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchAt } from '@relay/contracts';
import { removeOnExit } from '../utils/processes';
import { startRelayStack, type RelayStack } from '../utils/relay-stack';
import { calibrateChain, type Calibration } from './failover-calibrate';
import { renderReport } from './failover-report';
import { runBlock, type BenchConfig, type BlockResult, type Scenario } from './failover-run';
import { ProcSampler } from './failover-sampler';

const OUTPUT_DIR = join(process.cwd(), 'test-output');
/** The stack while it runs, for the signal handlers. */
let running: RelayStack | null = null;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

function envList<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = process.env[name];
  const list = (raw ? raw.split(',') : allowed).map((s) => s.trim());
  for (const item of list) if (!allowed.includes(item as T)) throw new Error(`${name}: unknown "${item}"`);
  return list as T[];
}

function firstLine(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n')[0] ?? 'unknown';
}

function machine(): string {
  const debian = (() => {
    try {
      return `Debian ${readFileSync('/etc/debian_version', 'utf8').trim()}`;
    } catch {
      return 'Linux';
    }
  })();
  const ffmpeg = /ffmpeg version (\S+)/.exec(firstLine('ffmpeg', ['-version']))?.[1] ?? '?';
  const nginx = /nginx\/(\S+)/.exec(firstLine('nginx', ['-v']))?.[1] ?? '?';
  return `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${debian}, Node ${process.versions.node}, ffmpeg ${ffmpeg}, nginx ${nginx} + libnginx-mod-rtmp`;
}

function header(
  cfg: BenchConfig,
  calibration: Calibration | null,
  startedAt: Date,
  load: number[],
  commit: string,
): string[] {
  const c = calibration;
  return [
    `Failover benchmark, ${startedAt.toISOString()}, commit ${commit}`,
    `Machine: ${machine()}; load average ${load.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end.`,
    `Settings: primary ffmpeg ${cfg.primary.width}x${cfg.primary.height}, backup ffmpeg ${cfg.backup.width}x${cfg.backup.height}, ${cfg.fps} fps, GOP ${cfg.gopFrames} frames; mode primary-preferred, stallTimeoutMs ${cfg.stallTimeoutMs}, failbackAfterMs ${cfg.failbackAfterMs}, flap damping off; ${cfg.faults} faults per block, a fresh event per block.`,
    c
      ? `Measuring chain (steady state, video frames, p50 / p95 / max ms): our publisher → nginx-rtmp → subscriber ${c.nginx.p50.toFixed(1)} / ${c.nginx.p95.toFixed(1)} / ${c.nginx.max.toFixed(1)}; FLV into an ffmpeg with the leg's arguments → nginx → subscriber ${c.leg.p50.toFixed(1)} / ${c.leg.p95.toFixed(1)} / ${c.leg.max.toFixed(1)}.`
      : 'Measuring chain not calibrated (SKIP_CALIBRATION=1).',
  ];
}

async function main(): Promise<void> {
  const maxMinutes = envInt('BENCH_MAX_MINUTES', 30);
  const cfg: BenchConfig = {
    faults: envInt('FAULTS', 20),
    stallTimeoutMs: envInt('STALL_TIMEOUT_MS', 1000),
    failbackAfterMs: envInt('FAILBACK_AFTER_MS', 1000),
    fps: 30,
    gopFrames: envInt('GOP_FRAMES', 30),
    primary: { width: 1280, height: 720 },
    backup: { width: 854, height: 480 },
    settleMs: 1500,
    deadline: Date.now() + maxMinutes * 60_000,
    workDir: removeOnExit(mkdtempSync(join(tmpdir(), 'failover-bench-'))),
    dump: process.env.DUMP_TAGS === '1',
  };
  const modes = envList<SwitchAt>('MODES', ['cached-keyframe', 'next-keyframe']);
  const scenarios = envList<Scenario>('SCENARIOS', ['kill', 'stall']);
  const log = (line: string): void =>
    void process.stderr.write(`[bench ${new Date().toISOString()}] ${line}\n`);
  // Hard bound: whatever hangs, the process ends and its exit hooks kill every child (test/utils/processes).
  setTimeout(
    () => {
      log('time limit reached, stopping');
      process.exit(2);
    },
    (maxMinutes + 3) * 60_000,
  ).unref();
  // Interrupted: test/utils/processes SIGKILLs its children; PostgreSQL gets a fast shutdown here, so its
  // data directory goes too (bounded: exit after 5 s whatever happens).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every process started`);
      setTimeout(() => process.exit(130), 5000).unref();
      void (running?.postgres.stop() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }

  const startedAt = new Date();
  // BENCH_COMMIT names the source when the build did not come from this checkout.
  const commit = process.env.BENCH_COMMIT ?? firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const load = loadavg();
  let calibration: Calibration | null = null;
  if (process.env.SKIP_CALIBRATION !== '1') {
    log('calibrating the measuring chain');
    calibration = await calibrateChain(cfg.primary.width, cfg.primary.height, 15);
  }
  log('starting PostgreSQL, Redis, the API and the relay');
  let stack: RelayStack | null = null;
  let sampler: ProcSampler | null = null;
  const blocks: BlockResult[] = [];
  try {
    stack = await startRelayStack({ LOG_LEVEL: 'log' });
    running = stack;
    sampler = new ProcSampler(stack.relay.pid!);
    sampler.start();
    for (const mode of modes) {
      for (const scenario of scenarios) {
        if (Date.now() >= cfg.deadline) break;
        blocks.push(await runBlock(stack, sampler, cfg, mode, scenario, log));
      }
    }
  } finally {
    sampler?.stop();
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, 'failover-bench-relay.log'), stack?.relay.lines().join('\n') ?? '');
    await stack?.stop();
  }
  const report = renderReport(cfg, blocks, header(cfg, calibration, startedAt, load, commit));
  writeFileSync(join(OUTPUT_DIR, 'failover-bench.md'), report);
  writeFileSync(
    join(OUTPUT_DIR, 'failover-bench.json'),
    JSON.stringify({ cfg, calibration, blocks }, null, 1),
  );
  process.stdout.write(report);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

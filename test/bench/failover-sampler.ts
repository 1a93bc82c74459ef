/**
 * CPU and memory of the relay process and of its ffmpeg leg children, sampled from /proc (Linux only)
 * for the failover benchmark. CPU comes from utime + stime (proc(5) /proc/pid/stat fields 14 and 15, in
 * clock ticks), memory from VmRSS and RssAnon of /proc/pid/status (RssAnon: memory that is the process's
 * own, not shared libraries or file pages).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** One reading of one process. CPU in clock ticks since the process started, memory in KiB. */
interface ProcReading {
  readonly at: number;
  readonly ticks: number;
  readonly rssKb: number;
  readonly anonKb: number;
}

/** CPU (% of one core) and memory (MB) of one process over a window. */
export interface ProcUsage {
  readonly pid: number;
  readonly cpuAvgPct: number;
  /** Highest CPU over one sampling interval. */
  readonly cpuPeakPct: number;
  readonly rssMaxMb: number;
  readonly anonMaxMb: number;
  /** RssAnon at the end of the window minus at its start. */
  readonly anonGrowthMb: number;
}

let clockTicks = 0;

function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields of /proc/pid/stat after the command name (which may hold spaces): index 0 is field 3 (state). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function read(pid: number, at: number): ProcReading | null {
  const fields = statFields(pid);
  if (!fields) return null;
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { at, ticks: Number(fields[11]) + Number(fields[12]), rssKb: kb('VmRSS'), anonKb: kb('RssAnon') };
}

/** Children of `parent` whose command name is `comm` (e.g. "ffmpeg"). */
function childrenOf(parent: number, comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && name === comm) pids.push(Number(entry));
    } catch {
      // the process ended between readdir and read
    }
  }
  return pids;
}

/** Samples the relay and its ffmpeg children every `intervalMs` until stopped. */
export class ProcSampler {
  private readonly series = new Map<number, ProcReading[]>();
  private readonly legPids = new Set<number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly relayPid: number,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes a reading now (also done on the timer). */
  sample(): void {
    const at = Date.now();
    for (const pid of childrenOf(this.relayPid, 'ffmpeg')) this.legPids.add(pid);
    for (const pid of [this.relayPid, ...this.legPids]) {
      const reading = read(pid, at);
      if (!reading) continue;
      const list = this.series.get(pid) ?? [];
      list.push(reading);
      this.series.set(pid, list);
    }
  }

  /** Usage of the relay process between `from` and `to` (Date.now() ms). */
  relay(from: number, to: number): ProcUsage | null {
    return this.usage(this.relayPid, from, to);
  }

  /** Usage of every ffmpeg leg that ran between `from` and `to`. */
  legs(from: number, to: number): ProcUsage[] {
    return [...this.legPids]
      .map((pid) => this.usage(pid, from, to))
      .filter((u): u is ProcUsage => u !== null);
  }

  private usage(pid: number, from: number, to: number): ProcUsage | null {
    const readings = (this.series.get(pid) ?? []).filter((r) => r.at >= from && r.at <= to);
    if (readings.length < 2) return null;
    const first = readings[0]!;
    const last = readings.at(-1)!;
    const pct = (a: ProcReading, b: ProcReading): number =>
      ((b.ticks - a.ticks) / ticksPerSecond() / ((b.at - a.at) / 1000)) * 100;
    let peak = 0;
    for (let i = 1; i < readings.length; i++) peak = Math.max(peak, pct(readings[i - 1]!, readings[i]!));
    const mb = (kb: number): number => kb / 1024;
    return {
      pid,
      cpuAvgPct: pct(first, last),
      cpuPeakPct: peak,
      rssMaxMb: mb(Math.max(...readings.map((r) => r.rssKb))),
      anonMaxMb: mb(Math.max(...readings.map((r) => r.anonKb))),
      anonGrowthMb: mb(last.anonKb - first.anonKb),
    };
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** An ffmpeg leg found running without its relay. */
export interface OrphanLeg {
  readonly pid: number;
  readonly parentPid: number;
}

/**
 * ffmpeg legs left by a relay process that died (`kill -9`): an ffmpeg whose arguments read FLV from
 * `pipe:0` and write FLV, whose parent is no longer a Node process (it was re-parented to init or a
 * subreaper). Such a leg normally exits on its own when its stdin closes; this finds the ones that did
 * not (e.g. blocked on a stalled destination). Linux only (reads /proc); elsewhere finds nothing.
 *
 * @param ffmpegPath the FFMPEG_PATH legs are spawned with
 */
export function findOrphanLegs(ffmpegPath: string, procRoot = '/proc'): OrphanLeg[] {
  let pids: number[];
  try {
    pids = readdirSync(procRoot)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const orphans: OrphanLeg[] = [];
  for (const pid of pids) {
    const argv = readArgv(procRoot, pid);
    if (!argv || !isLeg(argv, ffmpegPath)) continue;
    const parentPid = parentOf(procRoot, pid);
    if (parentPid === null) continue;
    const parentArgv = readArgv(procRoot, parentPid) ?? [];
    const parentIsNode =
      parentArgv.length > 0 &&
      (basename(parentArgv[0] ?? '') === 'node' || (parentArgv[0] ?? '').startsWith('restream-relay'));
    if (parentPid === 1 || !parentIsNode) orphans.push({ pid, parentPid });
  }
  return orphans;
}

/** Sends SIGTERM to every orphan leg (ffmpeg closes its output); returns how many. */
export function reapOrphanLegs(ffmpegPath: string): number {
  let reaped = 0;
  for (const orphan of findOrphanLegs(ffmpegPath)) {
    try {
      process.kill(orphan.pid, 'SIGTERM');
      reaped++;
    } catch {
      // gone meanwhile, or not ours to signal
    }
  }
  return reaped;
}

function isLeg(argv: string[], ffmpegPath: string): boolean {
  const bin = basename(argv[0] ?? '');
  if (bin !== basename(ffmpegPath) && bin !== 'ffmpeg') return false;
  const input = argv.indexOf('-i');
  return input > 0 && argv[input + 1] === 'pipe:0' && argv.includes('flv');
}

function readArgv(procRoot: string, pid: number): string[] | null {
  try {
    const raw = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((part) => part.length > 0);
  } catch {
    return null;
  }
}

function parentOf(procRoot: string, pid: number): number | null {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; ppid follows the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

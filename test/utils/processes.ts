import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';

/** How a child process ended: an exit code, or the signal that killed it, or a spawn error. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

/** Options of {@link spawnProcess}. */
export interface SpawnProcessOptions {
  /** Label used in error messages and echoed output; defaults to the command's base name. */
  name?: string;
  cwd?: string;
  /** Variables merged over `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** How many output lines (stdout and stderr interleaved) to keep; default 200. */
  ringSize?: number;
  /** `'pipe'` keeps a writable `child.stdin`; default `'ignore'`. */
  stdin?: 'ignore' | 'pipe';
  /** Copy every output line to this process's stderr; default: env TEST_PROCESS_ECHO=1. */
  echo?: boolean;
}

const MAX_PARTIAL_LINE = 64 * 1024;
const live = new Set<ManagedProcess>();
const tempPaths = new Set<string>();
let exitHooksInstalled = false;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function cleanupSync(): void {
  for (const p of live) killGroup(p.pid, 'SIGKILL');
  if (process.env.TEST_KEEP_TMP === '1') return;
  for (const path of tempPaths) rmSync(path, { recursive: true, force: true });
}

// Exit handlers must be synchronous, so only SIGKILL is possible there. On SIGINT/SIGTERM/SIGHUP the
// children are killed and the signal is raised again so the test process still dies of it.
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      cleanupSync();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function plainRegExp(re: RegExp): RegExp {
  // A global or sticky regex keeps lastIndex between test() calls and would miss lines.
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}

/**
 * A child process in its own process group, with a ring buffer of its recent output lines and an entry in
 * a registry that SIGKILLs it when the test process exits. Create with {@link spawnProcess}.
 */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private readonly ring: string[] = [];
  private readonly ringSize: number;
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly exitListeners = new Set<(info: ExitInfo) => void>();
  private exitInfo: ExitInfo | undefined;

  constructor(command: string, args: readonly string[], options: SpawnProcessOptions = {}) {
    this.name = options.name ?? basename(command);
    this.ringSize = options.ringSize ?? 200;
    const echo = options.echo ?? process.env.TEST_PROCESS_ECHO === '1';
    installExitHooks();
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
      detached: true, // setsid(): own process group, so stop() reaches grandchildren too
    });
    live.add(this);
    this.exited = new Promise<ExitInfo>((resolve) => {
      const finish = (info: ExitInfo): void => {
        if (this.exitInfo) return;
        this.exitInfo = info;
        live.delete(this);
        for (const listener of this.exitListeners) listener(info);
        resolve(info);
      };
      this.child.once('exit', (code, signal) => finish({ code, signal }));
      this.child.once('error', (error) => finish({ code: null, signal: null, error }));
    });
    const onLine = (line: string): void => {
      this.ring.push(line);
      if (this.ring.length > this.ringSize) this.ring.shift();
      if (echo) process.stderr.write(`[${this.name}] ${line}\n`);
      for (const listener of this.lineListeners) listener(line);
    };
    if (this.child.stdout) this.readLines(this.child.stdout, onLine);
    if (this.child.stderr) this.readLines(this.child.stderr, onLine);
  }

  private readLines(stream: Readable, onLine: (line: string) => void): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      // ffmpeg ends progress lines with a bare \r.
      const parts = (partial + chunk).split(/\r\n|\n|\r/);
      partial = parts.pop() ?? '';
      if (partial.length > MAX_PARTIAL_LINE) {
        parts.push(partial);
        partial = '';
      }
      for (const line of parts) if (line.length > 0) onLine(line);
    });
    stream.on('end', () => {
      if (partial.length > 0) onLine(partial);
      partial = '';
    });
  }

  /** Process id, which is also the process group id. Undefined when spawning failed. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has not exited yet. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The exit information once exited, otherwise undefined. */
  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** The last `ringSize` output lines, oldest first. */
  lines(): string[] {
    return [...this.ring];
  }

  /** The last `count` output lines joined with newlines, for assertion and error messages. */
  tail(count = 30): string {
    return this.ring.slice(-count).join('\n');
  }

  /**
   * Resolves with the match of the first output line matching `re`, looking first at the lines already in
   * the ring buffer unless `includeBuffered` is false.
   *
   * @throws Error when `timeoutMs` passes or the process exits first; the message carries the output tail.
   */
  waitForLine(re: RegExp, timeoutMs = 10_000, includeBuffered = true): Promise<RegExpMatchArray> {
    const pattern = plainRegExp(re);
    if (includeBuffered) {
      for (const line of this.ring) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
    }
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.lineListeners.delete(onLine);
        this.exitListeners.delete(onExit);
      };
      const fail = (why: string): void => {
        cleanup();
        reject(
          new Error(`${this.name}: ${why} while waiting for ${String(pattern)}; output:\n${this.tail()}`),
        );
      };
      const onLine = (line: string): void => {
        const match = line.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const onExit = (info: ExitInfo): void => fail(`exited (${describeExit(info)})`);
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      this.lineListeners.add(onLine);
      this.exitListeners.add(onExit);
      if (this.exitInfo) onExit(this.exitInfo);
    });
  }

  /**
   * Waits for the process to exit on its own.
   *
   * @throws Error after `timeoutMs`; the process is left running (stop it, or let the registry kill it).
   */
  async waitForExit(timeoutMs = 10_000): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}: still running after ${timeoutMs} ms; output:\n${this.tail()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` to the whole process group now, without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) killGroup(this.pid, signal);
  }

  /**
   * Sends `signal` to the process group, waits up to `graceMs` for the process to exit, then SIGKILLs the
   * group. Whatever is left in the group after the leader exits is SIGKILLed too. Safe to call twice.
   *
   * @returns how the process ended.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<ExitInfo> {
    if (this.running) {
      killGroup(this.pid, signal);
      const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    const info = await this.exited;
    killGroup(this.pid, 'SIGKILL');
    return info;
  }
}

/**
 * Deletes `path` (recursively) when the test process exits or is interrupted, after its processes are
 * killed; env TEST_KEEP_TMP=1 keeps it. Returns `path`.
 */
export function removeOnExit(path: string): string {
  installExitHooks();
  tempPaths.add(path);
  return path;
}

/** "code 1", "signal SIGTERM" or the spawn error's message. */
export function describeExit(info: ExitInfo): string {
  if (info.error) return `spawn error: ${info.error.message}`;
  return info.signal ? `signal ${info.signal}` : `code ${String(info.code)}`;
}

/**
 * Starts `command` with an args array (no shell) in its own process group; stdout and stderr are read
 * line by line into a ring buffer. The process is SIGKILLed if the test process exits or is interrupted
 * while it still runs.
 */
export function spawnProcess(
  command: string,
  args: readonly string[] = [],
  options: SpawnProcessOptions = {},
): ManagedProcess {
  return new ManagedProcess(command, args, options);
}

/** Processes spawned by {@link spawnProcess} that have not exited yet. */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

/** Stops every live process (see {@link ManagedProcess.stop}); for `after()` hooks. */
export async function stopAll(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(signal, graceMs)));
}

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many ms; default 10 000. */
  timeoutMs?: number;
  /** Pause between attempts in ms; default 100. */
  intervalMs?: number;
  /** Describes the awaited condition in the timeout error. */
  message?: string;
}

/**
 * Calls `predicate` until it returns (or resolves to) a truthy value and resolves with that value. A
 * predicate that throws counts as "not yet"; its last error is quoted if the wait times out.
 *
 * @throws Error when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.message ?? 'condition';
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`waitFor: ${what} not met after ${timeoutMs} ms${cause}`);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/**
 * How `process` (a ManagedProcess or a Publisher) exited, or null if it still runs after `timeoutMs`.
 * Unlike {@link ManagedProcess.waitForExit} it does not throw, so a test can assert on the answer.
 */
export async function exitWithin(
  process: { exited: Promise<ExitInfo> },
  timeoutMs: number,
): Promise<ExitInfo | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([process.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';
import { removeOnExit, spawnProcess, waitFor, type ExitInfo, type ManagedProcess } from './processes';

/** A throw-away SRT destination started by {@link startSrtReceiver}. */
export interface TestSrtReceiver {
  readonly port: number;
  /** `srt://127.0.0.1:PORT`: what a destination's `url` is. */
  readonly url: string;
  /** The MPEG-TS bytes received, exactly as they arrived (GStreamer `filesink`, no remuxing). */
  readonly file: string;
  readonly process: ManagedProcess;
  /**
   * The streamid of every caller whose handshake reached the listener's access-control callback, oldest
   * first (a caller with a wrong passphrase is counted too, then refused by libsrt): connections per
   * streamid count reconnections.
   */
  streamIds(): string[];
  /** Size of {@link TestSrtReceiver.file} in bytes (0 before the first packet). */
  bytesReceived(): number;
  /** Sends EOS (SIGINT; gst-launch -e) so the file is complete, SIGKILL after 5 s. Safe to call twice. */
  stop(): Promise<ExitInfo>;
}

/** Options of {@link startSrtReceiver}. */
export interface StartSrtReceiverOptions {
  /** SRT passphrase (10–79 characters): callers without it, or with another one, are refused by libsrt. */
  passphrase?: string;
  /** UDP port; default a free one. */
  port?: number;
}

/** gstsrtobject.c logs the streamid of each caller at DEBUG: "Accepting sink <id> streamid: <streamid>". */
const ACCEPTING = /Accepting sink \d+ streamid: (.*)$/;

/**
 * Starts an SRT listener on 127.0.0.1 that writes what it receives to a file: GStreamer
 * `srtsrc mode=listener ! filesink` (gstreamer1.0-plugins-bad), with `GST_DEBUG=srtobject:5` so the test
 * sees each caller's streamid. With `passphrase`, libsrt refuses callers with a wrong or missing one
 * ("Incorrect passphrase", "Password required or unexpected" on the caller's side).
 *
 * @throws Error when gst-launch exits before listening (srtsrc missing, port taken).
 */
export async function startSrtReceiver(options: StartSrtReceiverOptions = {}): Promise<TestSrtReceiver> {
  const port = options.port ?? (await freePort());
  const dir = removeOnExit(await mkdtemp(join(tmpdir(), 'test-srt-receiver-')));
  const file = join(dir, 'received.ts');
  const debugLog = join(dir, 'gst-debug.log');
  const proc = spawnProcess(
    'gst-launch-1.0',
    [
      '-e',
      'srtsrc',
      `uri=srt://127.0.0.1:${port}?mode=listener`,
      ...(options.passphrase ? [`passphrase=${options.passphrase}`] : []),
      '!',
      'filesink',
      `location=${file}`,
    ],
    {
      name: `srt-receiver:${port}`,
      // The debug log goes to its own file: srtobject's DEBUG lines would flood the output ring.
      env: { GST_DEBUG: 'srtobject:5', GST_DEBUG_NO_COLOR: '1', GST_DEBUG_FILE: debugLog },
    },
  );
  const debugLines = (): string[] => {
    try {
      return readFileSync(debugLog, 'utf8').split('\n');
    } catch {
      return [];
    }
  };
  try {
    await waitFor(
      () => {
        if (!proc.running) throw new Error(`gst-launch exited: ${proc.tail()}`);
        return debugLines().some((line) => line.includes('Waiting for connection'));
      },
      { timeoutMs: 10_000, intervalMs: 50, message: `SRT receiver listening on port ${port}` },
    );
  } catch (error) {
    await proc.stop('SIGKILL', 1_000);
    throw error;
  }
  return {
    port,
    url: `srt://127.0.0.1:${port}`,
    file,
    process: proc,
    streamIds: () => debugLines().flatMap((line) => ACCEPTING.exec(line)?.[1] ?? []),
    bytesReceived: () => {
      try {
        return statSync(file).size;
      } catch {
        return 0;
      }
    },
    stop: () => proc.stop('SIGINT', 5_000),
  };
}

/** Waits until `receiver` has received at least `bytes` bytes. */
export async function waitForSrtBytes(
  receiver: TestSrtReceiver,
  bytes: number,
  timeoutMs = 15_000,
): Promise<void> {
  await waitFor(() => receiver.bytesReceived() >= bytes, {
    timeoutMs,
    message: `SRT receiver on port ${receiver.port} got ${bytes} bytes`,
  });
}

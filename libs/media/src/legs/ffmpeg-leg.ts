import type { ChildProcess } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import { encodeFlvHeader } from '../protocols/flv/flv-writer';
import { LineRing } from '../process/line-ring';
import type { ProgramPacket } from '../switcher/program-packet';
import { classifyLegFailure, type LegFailure } from './leg-failure';
import type { OutboundLeg, OutboundLegListener, OutboundLegState, ProgramSource } from './outbound-leg';
import { redactSecrets } from './secret-redaction';
import { isSrtUrl, srtFfmpegOutput } from './srt-url';

/** Options of an {@link FfmpegLeg}. Durations in ms, sizes in bytes. */
export interface FfmpegLegOptions {
  /**
   * Full publish URL, stream key included (a secret: never logged). rtmp://, rtmps:// or srt:// (see
   * buildSrtPublishUrl: its streamid and passphrase are passed to ffmpeg as options, and masked too).
   */
  readonly url: string;
  /** Secrets to mask in diagnostics besides the URL (the destination stream key). */
  readonly secrets: readonly string[];
  readonly ffmpegPath: string;
  /** Bytes waiting in ffmpeg's stdin pipe past which the leg drops media until the next keyframe. Default 8 MiB. */
  readonly maxQueuedBytes?: number;
  /** A leg still connecting after this long is stopped as timed out. Default 20000. */
  readonly connectTimeoutMs?: number;
  /** A live leg fed with media but reporting no progress for this long is stopped as stalled. Default 15000. */
  readonly staleOutputMs?: number;
  /** After stdin closes, how long ffmpeg may take to flush before SIGINT, then SIGKILL. Default 3000. */
  readonly stopGraceMs?: number;
}

const WATCHDOG_INTERVAL_MS = 250;
/**
 * The leg is reported live once its output has been open this long without a write error (ms): a
 * destination that refuses the stream closes the connection on the publish command, and ffmpeg only
 * finds out on its first writes (see PUBLISH_REFUSED_WITHIN_MS).
 */
const LIVE_SETTLE_MS = 1000;
/** ffmpeg 5.1's words for a write that the destination did not take. */
const WRITE_ERROR =
  /Broken pipe|Connection reset by peer|av_interleaved_write_frame\(\)|Error writing trailer/i;

/**
 * An outbound leg run by one ffmpeg process (`-f flv -i pipe:0 -c copy -f flv <url>`; for srt:// URLs
 * `-f mpegts -srt_streamid … -passphrase … srt://host:port?pkt_size=1316&latency=…`), driven through
 * fluent-ffmpeg. It reads the program output on stdin, so it exits on EOF if the relay dies (no orphan).
 * Honours backpressure: when ffmpeg falls behind by `maxQueuedBytes`, media is dropped up to the next
 * keyframe (sequence headers and metadata are always delivered), so a slow destination never blocks
 * the others or the ingest.
 */
export class FfmpegLeg implements OutboundLeg {
  private current: OutboundLegState = 'idle';
  private proc: ChildProcess | null = null;
  private readonly output = new LineRing(40);
  private waitingForKeyframe = true;
  private startedAt = 0;
  private lastProgressAt = 0;
  private lastWriteAt = 0;
  /** When ffmpeg opened its output (connected and published), ms since epoch; 0 before. */
  private outputOpenedAt = 0;
  private writeFailed = false;
  private watchdog: NodeJS.Timeout | null = null;
  private stopRequested = false;
  private exitedPromise: Promise<void> = Promise.resolve();
  private failure: LegFailure | null = null;
  private written = 0;
  private readonly secrets: string[];

  constructor(
    private readonly source: ProgramSource,
    private readonly options: FfmpegLegOptions,
    private readonly listener: OutboundLegListener,
  ) {
    this.secrets = [options.url, ...options.secrets, ...srtFfmpegOutput(options.url).secrets];
  }

  get state(): OutboundLegState {
    return this.current;
  }

  get bytesWritten(): number {
    return this.written;
  }

  recentOutput(): readonly string[] {
    return this.output.toArray();
  }

  start(): void {
    if (this.current === 'connecting' || this.current === 'live' || this.current === 'stopping') return;
    this.stopRequested = false;
    this.failure = null;
    this.outputOpenedAt = 0;
    this.writeFailed = false;
    this.waitingForKeyframe = true;
    const isSrt = isSrtUrl(this.options.url);
    const srt = isSrt ? srtFfmpegOutput(this.options.url) : null;
    const command = ffmpeg({ stdoutLines: 0 })
      .setFfmpegPath(this.options.ffmpegPath)
      .input('pipe:0')
      // No "-fflags nobuffer": it discards the packets read while probing the input (measured: the
      // first 2 s of a 4 s stream were missing at the destination).
      .inputOptions(['-hide_banner', '-f', 'flv'])
      .output(srt ? srt.url : this.options.url)
      // Audio and video only: a script-data tag after the start (onMetaData at a non-zero DTS, onCuePoint)
      // would become a data stream that ffmpeg's muxer waits for, holding the output up to 10 s.
      // srt://: MPEG-TS; ffmpeg 5.1's mpegts muxer inserts h264_mp4toannexb by itself for FLV's AVC
      // (measured: "Automatically inserted bitstream filter 'h264_mp4toannexb'") and writes ADTS for AAC.
      .outputOptions([
        '-c',
        'copy',
        '-map',
        '0:v?',
        '-map',
        '0:a?',
        '-f',
        isSrt ? 'mpegts' : 'flv',
        ...(srt ? srt.options : ['-flvflags', 'no_duration_filesize']),
      ]);

    let resolveExit: () => void = () => undefined;
    this.exitedPromise = new Promise((resolve) => (resolveExit = resolve));
    command.on('start', () => {
      const proc = (command as unknown as { ffmpegProc: ChildProcess }).ffmpegProc;
      this.proc = proc;
      proc.stdin?.on('error', () => undefined); // EPIPE when ffmpeg dies: the exit handler reports it
      proc.once('exit', (code, signal) => this.onExit(code, signal, resolveExit));
      proc.stdin?.write(encodeFlvHeader(true, true));
      this.source.attach(this);
    });
    command.on('stderr', (line: string) => this.onOutputLine(line));
    command.on('error', () => undefined); // reported through the process exit with redacted output
    command.on('end', () => undefined);
    this.startedAt = Date.now();
    this.lastProgressAt = this.startedAt;
    this.setState('connecting');
    this.watchdog = setInterval(() => this.checkWatchdog(), WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
    command.run();
  }

  write(packet: ProgramPacket): void {
    const stdin = this.proc?.stdin;
    if (!stdin || stdin.destroyed || this.current === 'stopping') return;
    if (this.waitingForKeyframe && !packet.keyframe && !packet.config) return;
    if (!packet.config && stdin.writableLength > (this.options.maxQueuedBytes ?? 8 * 1024 * 1024)) {
      this.waitingForKeyframe = true;
      return;
    }
    if (packet.keyframe) this.waitingForKeyframe = false;
    stdin.write(packet.bytes);
    this.written += packet.bytes.length;
    this.lastWriteAt = Date.now();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    const proc = this.proc;
    if (!proc || this.current === 'idle' || this.current === 'exited') {
      this.setState('idle');
      return;
    }
    this.setState('stopping');
    this.source.detach(this);
    proc.stdin?.end();
    const grace = this.options.stopGraceMs ?? 3000;
    const sigint = setTimeout(() => proc.kill('SIGINT'), grace);
    const sigkill = setTimeout(() => proc.kill('SIGKILL'), grace + 2000);
    await this.exitedPromise;
    clearTimeout(sigint);
    clearTimeout(sigkill);
  }

  private onOutputLine(raw: string): void {
    const line = redactSecrets(raw, this.secrets);
    if (/^\s*(frame|size)=/.test(line)) {
      this.lastProgressAt = Date.now();
      if (this.outputOpenedAt === 0) this.outputOpenedAt = this.lastProgressAt;
      return;
    }
    this.output.push(line);
    if (/^Output #0/.test(line) && this.outputOpenedAt === 0) this.outputOpenedAt = Date.now();
    if (WRITE_ERROR.test(line)) this.writeFailed = true;
  }

  private checkWatchdog(): void {
    const now = Date.now();
    if (
      this.current === 'connecting' &&
      this.outputOpenedAt > 0 &&
      !this.writeFailed &&
      now - this.outputOpenedAt >= LIVE_SETTLE_MS
    ) {
      this.setState('live');
    } else if (
      this.current === 'connecting' &&
      now - this.startedAt > (this.options.connectTimeoutMs ?? 20_000)
    ) {
      this.fail({ kind: 'timeout', message: 'connection timed out' });
    } else if (
      this.current === 'live' &&
      now - this.lastWriteAt < 1000 &&
      now - this.lastProgressAt > (this.options.staleOutputMs ?? 15_000)
    ) {
      this.fail({ kind: 'stalled-output', message: 'destination stopped accepting media' });
    }
  }

  private fail(failure: LegFailure): void {
    this.failure = failure;
    this.proc?.kill('SIGKILL');
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, resolve: () => void): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.source.detach(this);
    this.proc = null;
    const expected = this.stopRequested;
    this.setState(expected ? 'idle' : 'exited');
    resolve();
    if (!expected) {
      // An SRT listener refuses a caller in the handshake, before the output opens: an SRT connection
      // closed soon after opening is not a refused key (see PUBLISH_REFUSED_WITHIN_MS).
      const openForMs =
        this.outputOpenedAt > 0 && !isSrtUrl(this.options.url) ? Date.now() - this.outputOpenedAt : null;
      const failure =
        this.failure ?? classifyLegFailure(this.output.toArray(), signal ? null : code, openForMs);
      this.listener.exited(failure);
    }
  }

  private setState(state: OutboundLegState): void {
    if (this.current === state) return;
    this.current = state;
    this.listener.stateChanged(state);
  }
}

import { describeExit, spawnProcess, type ExitInfo, type ManagedProcess } from './processes';

/**
 * Real encoders as RTMP publishers for media tests: ffmpeg (its own RTMP client), GStreamer rtmp2sink
 * (GStreamer's RTMP client) and GStreamer rtmpsink (librtmp, as OBS uses).
 *
 * Each runs through {@link spawnProcess}: detached in its own process group, SIGKILLed with its group when
 * the test process exits or is interrupted. Each is also capped by `maxDurationSec`, so even an orphan
 * ends. The stream key never reaches logs: output is never echoed, and {@link Publisher.tail} masks it.
 */

/** A running publisher. */
export interface Publisher {
  /** e.g. "ffmpeg", "gst rtmp2sink". */
  readonly name: string;
  /** Process (and process group) id; undefined if spawning failed. */
  readonly pid: number | undefined;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /**
   * Sends `signal` to the whole process group (SIGINT, the default, lets the encoder unpublish cleanly),
   * then SIGKILL if it still runs after `graceMs` (default 5000). Resolves with the exit. Safe to call twice.
   */
  stop(signal?: 'SIGINT' | 'SIGKILL', graceMs?: number): Promise<ExitInfo>;
  /** SIGKILLs the process group now, without waiting (a crashed encoder); `exited` tells when it is gone. */
  kill(): void;
  /**
   * SIGSTOPs the process group: a frozen encoder. Its TCP connection stays open and nothing more is sent,
   * so only a media watchdog notices (see ../shared media-facts: "Detecting a lost input").
   */
  pause(): void;
  /** SIGCONTs a paused process group; the encoder carries on from where it stopped. */
  resume(): void;
  /** The last `count` output lines (default 30), stream key masked, for assertion messages. */
  tail(count?: number): string;
}

/** Test pattern and encoding settings shared by every publisher. */
export interface PublisherOptions {
  /** rtmp://host:port/app/<stream key> */
  readonly url: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Keyframe interval in frames. */
  readonly gopFrames?: number;
  /** Audio sample rate in Hz. */
  readonly audioRate?: number;
  /** Safety cap: the encoder stops by itself after this many seconds (default 120). */
  readonly maxDurationSec?: number;
}

/** GStreamer publisher options; `sink` picks the RTMP client. */
export interface GstPublisherOptions extends PublisherOptions {
  readonly sink: 'rtmp2sink' | 'rtmpsink';
}

/** Replaces the stream key (the path after the application) of an RTMP URL with "***". */
export function maskRtmpUrl(url: string): string {
  return url.replace(/(rtmps?:\/\/[^/\s]+\/[^/\s]+\/)[^\s"']+/g, '$1***');
}

function streamKeyOf(url: string): string {
  const m = /^rtmps?:\/\/[^/]+\/[^/]+\/([^?\s]+)/.exec(url);
  return m?.[1] ?? '';
}

function defaults<T extends PublisherOptions>(o: T): Required<PublisherOptions> & T {
  return { width: 640, height: 360, fps: 30, gopFrames: 30, audioRate: 48000, maxDurationSec: 120, ...o };
}

/**
 * Starts ffmpeg publishing lavfi `testsrc2` (yuv420p) + `sine` in real time (`-re`), libx264
 * `-preset veryfast -tune zerolatency` with a fixed GOP, AAC, FLV over RTMP.
 */
export function startFfmpegPublisher(options: PublisherOptions): Publisher {
  const o = defaults(options);
  const args = [
    ...['-hide_banner', '-nostats', '-nostdin', '-loglevel', 'warning'],
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`],
    ...['-re', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${o.audioRate}`],
    ...['-map', '0:v', '-map', '1:a', '-t', String(o.maxDurationSec)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-g', String(o.gopFrames), '-keyint_min', String(o.gopFrames), '-sc_threshold', '0', '-b:v', '1500k'],
    ...['-c:a', 'aac', '-b:a', '128k', '-ar', String(o.audioRate), '-ac', '2'],
    ...['-f', 'flv', o.url],
  ];
  return launch('ffmpeg', 'ffmpeg', args, o.url);
}

/**
 * Starts gst-launch-1.0 (with -e, so SIGINT sends EOS and the sink unpublishes) publishing
 * videotestsrc + audiotestsrc through x264enc, voaacenc and flvmux to `rtmp2sink` or `rtmpsink`
 * (librtmp; the URL gets librtmp's ` live=1` option).
 */
export function startGstPublisher(options: GstPublisherOptions): Publisher {
  const o = defaults(options);
  const location = o.sink === 'rtmpsink' ? `${o.url} live=1` : o.url;
  const videoBuffers = o.fps * o.maxDurationSec;
  const audioBuffers = Math.ceil((o.audioRate * o.maxDurationSec) / 1024);
  const pipeline = [
    `videotestsrc is-live=true num-buffers=${videoBuffers}`,
    '!',
    `video/x-raw,width=${o.width},height=${o.height},framerate=${o.fps}/1`,
    '!',
    // scenecut=0: otherwise x264 adds keyframes on the test pattern whatever key-int-max says.
    `x264enc tune=zerolatency speed-preset=veryfast bitrate=1500 key-int-max=${o.gopFrames} option-string=scenecut=0`,
    '! h264parse ! flvmux name=m streamable=true !',
    o.sink,
    // One argv element: gst-launch escapes the space of librtmp's "url live=1".
    `location=${location}`,
    `audiotestsrc is-live=true num-buffers=${audioBuffers} samplesperbuffer=1024`,
    '! audioconvert ! audioresample !',
    `audio/x-raw,rate=${o.audioRate},channels=2`,
    '! voaacenc ! aacparse ! m.',
  ].flatMap((part) => (part.startsWith('location=') ? [part] : part.split(' ')));
  return launch(`gst ${o.sink}`, 'gst-launch-1.0', ['-q', '-e', ...pipeline], o.url);
}

/** SIGKILLs every publisher still running (also done automatically when the test process exits). */
export function killAllPublishers(): void {
  for (const p of live) p.signal('SIGKILL');
}

const live = new Set<ManagedProcess>();

function launch(name: string, bin: string, args: string[], url: string): Publisher {
  const proc = spawnProcess(bin, args, { name, echo: false, ringSize: 100 });
  live.add(proc);
  void proc.exited.then(() => live.delete(proc));
  const key = streamKeyOf(url);
  const mask = (text: string): string => {
    const masked = maskRtmpUrl(text);
    return key ? masked.split(key).join('***') : masked;
  };
  return {
    name,
    pid: proc.pid,
    exited: proc.exited,
    stop: (signal = 'SIGINT', graceMs = 5000) => {
      // A paused encoder cannot act on SIGINT until it runs again.
      proc.signal('SIGCONT');
      return proc.stop(signal, graceMs);
    },
    kill: () => proc.signal('SIGKILL'),
    pause: () => proc.signal('SIGSTOP'),
    resume: () => proc.signal('SIGCONT'),
    tail: (count = 30) => {
      const status = proc.exitStatus;
      return mask(`${proc.tail(count)}\n(${status ? describeExit(status) : 'running'})`);
    },
  };
}

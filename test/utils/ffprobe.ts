import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const MAX_BUFFER = 512 * 1024 * 1024;

/** One demuxed packet as ffprobe reports it; times in seconds, null where ffprobe says N/A. */
export interface ProbedPacket {
  dts_time: number | null;
  pts_time: number | null;
  /** ffprobe's flag string: `K` keyframe, `D` discard, `C` corrupt; `_` for unset (e.g. `K_`). */
  flags: string;
}

/** The packets of one stream of a file, in file order. */
export interface ProbedStream {
  index: number;
  /** `video`, `audio`, `data`, ... */
  codecType: string;
  codecName: string | null;
  packets: ProbedPacket[];
}

/** One decoded video frame: its size in pixels and its presentation time in seconds. */
export interface ProbedFrame {
  width: number;
  height: number;
  pts_time: number | null;
}

/** One decoded audio frame: its sample rate (Hz), its length (samples) and presentation time (s). */
export interface ProbedAudioFrame {
  sampleRate: number;
  samples: number;
  pts_time: number | null;
}

/** Result of {@link analyzeTimeline}; times in seconds. */
export interface TimelineAnalysis {
  packetCount: number;
  /** Packets whose DTS is lower than the previous packet's DTS. */
  backwardsJumps: number;
  /** Packets whose DTS equals the previous packet's DTS (ffmpeg's "Non-monotonous DTS" repair shows so). */
  repeatedTimestamps: number;
  /** Largest forward step between consecutive DTS values; 0 with fewer than two packets. */
  largestGapSec: number;
  firstSec: number | null;
  lastSec: number | null;
}

function toSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : null;
}

async function ffprobeJson(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-of', 'json', ...args], {
    maxBuffer: MAX_BUFFER,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/**
 * Every packet of `file`, grouped by stream, via `ffprobe -show_entries packet=...`.
 *
 * @returns one entry per stream, ordered by stream index; a stream with no packets has an empty array.
 * @throws Error when ffprobe fails (missing file, unreadable container).
 */
export async function probePackets(file: string): Promise<ProbedStream[]> {
  const json = await ffprobeJson([
    '-show_entries',
    'stream=index,codec_type,codec_name:packet=stream_index,dts_time,pts_time,flags',
    file,
  ]);
  const streams = new Map<number, ProbedStream>();
  for (const s of records(json.streams)) {
    const index = Number(s.index);
    streams.set(index, {
      index,
      codecType: typeof s.codec_type === 'string' ? s.codec_type : 'unknown',
      codecName: typeof s.codec_name === 'string' ? s.codec_name : null,
      packets: [],
    });
  }
  for (const p of records(json.packets)) {
    const index = Number(p.stream_index);
    let stream = streams.get(index);
    if (!stream) {
      stream = { index, codecType: 'unknown', codecName: null, packets: [] };
      streams.set(index, stream);
    }
    stream.packets.push({
      dts_time: toSeconds(p.dts_time),
      pts_time: toSeconds(p.pts_time),
      flags: typeof p.flags === 'string' ? p.flags : '',
    });
  }
  return [...streams.values()].sort((a, b) => a.index - b.index);
}

/**
 * Size and presentation time of every decoded frame of the first video stream of `file`, in output order.
 * Decodes the whole stream, so it takes about as long as decoding the file.
 *
 * @throws Error when ffprobe fails.
 */
export async function probeFrameSizes(file: string): Promise<ProbedFrame[]> {
  const json = await ffprobeJson([
    '-select_streams',
    'v:0',
    '-show_entries',
    'frame=width,height,pts_time,pkt_dts_time,best_effort_timestamp_time',
    file,
  ]);
  return records(json.frames).map((f) => ({
    width: Number(f.width),
    height: Number(f.height),
    pts_time: toSeconds(f.pts_time) ?? toSeconds(f.best_effort_timestamp_time) ?? toSeconds(f.pkt_dts_time),
  }));
}

/**
 * Sample rate, sample count and presentation time of every decoded frame of the first audio stream of
 * `file`, in output order. The rate is the decoder's output rate, so it follows a new AudioSpecificConfig in
 * the middle of an FLV file (the flv demuxer hands it to the AAC decoder as new extradata).
 *
 * ffprobe 5.1 does not show an audio frame's sample rate (`-show_entries frame=sample_rate` prints
 * nothing), and its stream entry only gives the first header's rate; so this decodes with
 * `ffmpeg -map 0:a:0 -af ashowinfo -f null -` and reads the filter's per-frame lines ("rate:44100").
 *
 * @throws Error when ffmpeg fails (missing file, unreadable container).
 */
export async function probeAudioFrames(file: string): Promise<ProbedAudioFrame[]> {
  const { stderr } = await execFileAsync(
    'ffmpeg',
    [
      ...['-nostdin', '-hide_banner', '-nostats', '-v', 'info', '-i', file],
      ...['-map', '0:a:0', '-af', 'ashowinfo', '-f', 'null', '-'],
    ],
    { maxBuffer: MAX_BUFFER },
  );
  const frames: ProbedAudioFrame[] = [];
  for (const line of splitLines(stderr)) {
    // [Parsed_ashowinfo_0 @ 0x…] n:0 pts:144 pts_time:0.003 pos:12929 fmt:fltp … rate:48000 nb_samples:1024 …
    const m = /Parsed_ashowinfo.* pts_time:(\S+) .* rate:(\d+) nb_samples:(\d+)/.exec(line);
    if (m) frames.push({ sampleRate: Number(m[2]), samples: Number(m[3]), pts_time: toSeconds(m[1]) });
  }
  return frames;
}

/** Consecutive runs of equal values, e.g. [48000, 48000, 44100, 48000] → [48000, 44100, 48000]. */
export function runsOf<T>(values: Iterable<T>): T[] {
  const runs: T[] = [];
  for (const value of values) if (runs.length === 0 || runs.at(-1) !== value) runs.push(value);
  return runs;
}

/**
 * Decoder complaints about `file`: the stderr lines of `ffmpeg -v error -i FILE -enc_time_base -1 -f null -`.
 * An empty array means the whole file decoded cleanly. A non-zero ffmpeg exit adds a line saying so.
 *
 * `-enc_time_base -1` keeps the file's own time base (1 ms in FLV). With ffmpeg's default (1/frame rate for
 * video) two frames less than one frame interval apart, which a live encoder under load sends (GStreamer's
 * flvmux: steps of 1 ms after a 100 ms stall), land on the same tick and the null muxer prints
 * "non monotonically increasing dts" although nothing is wrong with the file. Equal or backward DTS in the
 * file itself are still reported.
 */
export async function decodeErrors(file: string): Promise<string[]> {
  try {
    const { stderr } = await execFileAsync(
      'ffmpeg',
      ['-nostdin', '-v', 'error', '-i', file, '-enc_time_base', '-1', '-f', 'null', '-'],
      {
        maxBuffer: MAX_BUFFER,
      },
    );
    return splitLines(stderr);
  } catch (error) {
    const failure = error as { code?: unknown; stderr?: unknown; message?: string };
    const stderr = typeof failure.stderr === 'string' ? failure.stderr : '';
    return [...splitLines(stderr), `ffmpeg failed (exit ${String(failure.code)}): ${failure.message ?? ''}`];
  }
}

/**
 * Timestamp (ms) of the last complete tag of the FLV file `file`, e.g. a recording nginx-rtmp is still
 * writing (it appends tag by tag); null when the file holds no complete tag or cannot be read. Walks the
 * tag headers (FLV spec E.4.1: 11-byte header, 24-bit timestamp + 8-bit extension, PreviousTagSize).
 */
export function lastTagTimestampMs(file: string): number | null {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return null;
  }
  const FILE_HEADER = 9 + 4; // FLV header, PreviousTagSize0
  const TAG_HEADER = 11;
  let last: number | null = null;
  for (let pos = FILE_HEADER; pos + TAG_HEADER <= data.length;) {
    const size = data.readUIntBE(pos + 1, 3);
    const end = pos + TAG_HEADER + size + 4;
    if (end > data.length) break;
    last = (data.readUIntBE(pos + 4, 3) | (data[pos + 7]! << 24)) >>> 0;
    pos = end;
  }
  return last;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim().length > 0);
}

/**
 * Checks the decode-order timeline of one stream's packets (use one stream at a time: audio and video
 * interleave). Uses DTS, falling back to PTS for packets without one; packets with neither are skipped.
 */
export function analyzeTimeline(packets: readonly ProbedPacket[]): TimelineAnalysis {
  let previous: number | null = null;
  let backwardsJumps = 0;
  let repeatedTimestamps = 0;
  let largestGapSec = 0;
  let firstSec: number | null = null;
  let packetCount = 0;
  for (const packet of packets) {
    const t = packet.dts_time ?? packet.pts_time;
    if (t === null) continue;
    packetCount++;
    firstSec ??= t;
    if (previous !== null) {
      if (t < previous) backwardsJumps++;
      else if (t === previous) repeatedTimestamps++;
      else largestGapSec = Math.max(largestGapSec, t - previous);
    }
    previous = t;
  }
  return { packetCount, backwardsJumps, repeatedTimestamps, largestGapSec, firstSec, lastSec: previous };
}

import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { parseFlv } from '../protocols/flv/flv-reader';
import { slateClipFromTags, SlateError, type SlateClip } from './slate-clip';
import { slateFrameRate, type SlateParams } from './slate-params';

/** Debian `fonts-dejavu-core`; without it the card has no text. */
export const DEFAULT_SLATE_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
/** Length of the clip, in GOPs of one second: the loop restarts at its first keyframe. */
const CLIP_GOPS = 2;
const BACKGROUND = '0x14202e';
/** The card's two lines: no character that the filtergraph or drawtext would interpret. */
const TITLE = 'We’ll be right back';
const SUBTITLE = 'The stream will resume shortly';

/** Options of {@link encodeSlateClip}. Durations in ms, sizes in bytes. */
export interface SlateEncoderOptions {
  readonly ffmpegPath: string;
  /**
   * TrueType font for the card's text; default {@link DEFAULT_SLATE_FONT}. A missing file, or a path with
   * characters other than letters, digits, `_`, `.`, `/` and `-`: a plain card without text.
   */
  readonly fontFile?: string;
  /** ffmpeg is killed past this run time. Default 20000. */
  readonly timeoutMs?: number;
  /** ffmpeg is killed past this much output. Default 16 MiB. */
  readonly maxBytes?: number;
}

/**
 * The ffmpeg arguments of the slate: a still card (lavfi `color` + `drawtext`) and silence (`anullsrc`),
 * encoded as H.264 (libx264, no B-frames, 1 s GOP, `-tune stillimage`, the program's profile and level,
 * yuv420p) and AAC-LC at the program's sample rate and channels, about 2 s, FLV on stdout.
 * Returns the input and output option lists (fluent-ffmpeg adds `-i` and the output).
 */
export function slateEncoderArgs(
  p: SlateParams,
  fontFile: string | null,
): { inputs: Array<{ source: string; options: string[] }>; output: string[]; videoFrames: number } {
  const rate = `${p.frameRateNum}/${p.frameRateDen}`;
  const gop = Math.max(1, Math.round(slateFrameRate(p)));
  const videoFrames = gop * CLIP_GOPS;
  const seconds = (videoFrames / slateFrameRate(p) + 0.2).toFixed(3);
  const filters = fontFile
    ? [
        drawtext(fontFile, TITLE, 'white', 'h/12', '(h-text_h)/2-h/20'),
        drawtext(fontFile, SUBTITLE, '0xb0b8c0', 'h/28', 'h/2+h/14'),
      ].join(',')
    : 'null';
  return {
    inputs: [
      { source: `color=c=${BACKGROUND}:s=${p.width}x${p.height}:r=${rate}`, options: ['-f', 'lavfi'] },
      { source: `anullsrc=r=${p.sampleRate}:cl=${channelLayout(p.channels)}`, options: ['-f', 'lavfi'] },
    ],
    output: [
      ...[
        '-filter:v',
        filters,
        '-map',
        '0:v',
        '-map',
        '1:a',
        '-frames:v',
        String(videoFrames),
        '-t',
        seconds,
      ],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-threads', '2'],
      ...['-profile:v', p.profile, ...(p.level ? ['-level:v', p.level] : [])],
      ...[
        '-pix_fmt',
        'yuv420p',
        '-bf',
        '0',
        '-g',
        String(gop),
        '-keyint_min',
        String(gop),
        '-sc_threshold',
        '0',
      ],
      ...['-c:a', 'aac', '-b:a', p.channels > 2 ? '192k' : '96k', '-ar', String(p.sampleRate)],
      ...['-ac', String(p.channels), '-f', 'flv', '-flvflags', 'no_duration_filesize'],
    ],
    videoFrames,
  };
}

/**
 * Encodes the slate clip for `params` with ffmpeg (driven through fluent-ffmpeg) and parses its FLV output
 * (FLV spec E) into a {@link SlateClip}. Runs one ffmpeg process; at 1080p60 it takes about a second of
 * one core.
 *
 * @throws SlateError when ffmpeg cannot start, fails, runs past `timeoutMs`, writes more than `maxBytes`,
 *   or writes something that is not a usable clip; the message says which, in plain words.
 */
export function encodeSlateClip(params: SlateParams, options: SlateEncoderOptions): Promise<SlateClip> {
  const font = options.fontFile ?? DEFAULT_SLATE_FONT;
  const usable = /^[\w./-]+$/.test(font) && existsSync(font);
  const args = slateEncoderArgs(params, usable ? font : null);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const started = performance.now();
  // fluent-ffmpeg 2.1 throws from a child-process callback when the binary cannot be spawned.
  if (!isExecutable(options.ffmpegPath)) {
    return Promise.reject(
      new SlateError(`the slate could not be encoded: no ffmpeg at "${options.ffmpegPath}"`),
    );
  }
  return new Promise((resolve, reject) => {
    const command = ffmpeg({ stdoutLines: 20 }).setFfmpegPath(options.ffmpegPath);
    for (const input of args.inputs) command.input(input.source).inputOptions(input.options);
    command.addOption('-hide_banner').addOption('-nostdin').addOption('-loglevel', 'error');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: string | null = null;
    const kill = (why: string): void => {
      failure ??= why;
      command.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`the slate encoder ran longer than ${timeoutMs} ms`), timeoutMs);
    out.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) kill(`the slate encoder wrote more than ${maxBytes} bytes`);
      else chunks.push(chunk);
    });
    command.on('error', (error: Error) => {
      clearTimeout(timer);
      const detail = error.message.replace(/\s+/g, ' ').trim();
      reject(new SlateError(failure ?? `the slate could not be encoded: ffmpeg failed: ${detail}`));
    });
    command.on('end', () => {
      clearTimeout(timer);
      if (failure) return reject(new SlateError(failure));
      try {
        const tags = parseFlv(Buffer.concat(chunks));
        resolve(slateClipFromTags(params, tags, args.videoFrames, performance.now() - started));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        reject(
          error instanceof SlateError ? error : new SlateError(`the slate output is unreadable: ${message}`),
        );
      }
    });
    command.output(out).outputOptions(args.output).run();
  });
}

/**
 * One drawtext filter, centred horizontally (FFmpeg filters documentation, drawtext). `font` and `text`
 * must hold no filtergraph special character (`:`, `'`, `\\`, `,`, `;`, `[`, `]`, `%`): none is escaped.
 */
function drawtext(font: string, text: string, color: string, size: string, y: string): string {
  return `drawtext=fontfile=${font}:text=${text}:fontcolor=${color}:fontsize=${size}:x=(w-text_w)/2:y=${y}`;
}

/** Whether `file` (a path, or a name looked up in PATH) is an executable file. */
function isExecutable(file: string): boolean {
  const candidates =
    isAbsolute(file) || file.includes('/')
      ? [file]
      : (process.env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, file));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** FFmpeg's channel layout names for 1..8 channels; stereo otherwise. */
function channelLayout(channels: number): string {
  const layouts = ['mono', 'stereo', '2.1', 'quad', '5.0', '5.1', '6.1', '7.1'];
  return layouts[channels - 1] ?? 'stereo';
}

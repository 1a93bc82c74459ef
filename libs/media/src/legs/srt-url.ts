/**
 * SRT receive latency the legs ask for (ms): libsrt's default of 120 ms suits a LAN; over the internet
 * the SRT deployment guide asks for at least 4 × the round-trip time, and 2 s covers round trips up to
 * 500 ms with room for retransmissions (YouTube and most SRT ingest servers accept 2–4 s).
 */
export const SRT_DEFAULT_LATENCY_MS = 2000;

/**
 * SRT payload size (bytes): 7 MPEG-TS packets of 188 bytes, the size every SRT receiver expects for
 * live MPEG-TS (SRT live mode; libsrt's own default is the 1456-byte maximum).
 */
export const SRT_TS_PAYLOAD_BYTES = 1316;

/** Query parameters of an SRT publish URL that are secrets (SRT access control: streamid; AES: passphrase). */
const SRT_SECRET_PARAMS = ['streamid', 'passphrase'] as const;

/** What an SRT destination needs to be published to. */
export interface SrtPublishTarget {
  /** `srt://host:port`, no query (the API validates it). */
  readonly url: string;
  /** SRT `streamid` (SRT access control), at most 512 characters, or null. */
  readonly streamId: string | null;
  /** SRT passphrase (10–79 characters, libsrt SRTO_PASSPHRASE), or null: no encryption. */
  readonly passphrase: string | null;
  /** Receive latency (ms); default {@link SRT_DEFAULT_LATENCY_MS}. */
  readonly latencyMs?: number;
}

/**
 * The publish URL of an SRT destination:
 * `srt://host:port?streamid=…&passphrase=…&pkt_size=1316&latency=<µs>` (secrets percent-encoded; a
 * secret, like an RTMP URL with its stream key). ffmpeg's srt protocol takes `latency` in microseconds
 * (ffmpeg 5.1 `-h protocol=srt`: "receiver delay (in microseconds)").
 */
export function buildSrtPublishUrl(target: SrtPublishTarget): string {
  const base = target.url.replace(/[/?]+$/, '');
  const params = [
    ...(target.streamId ? [`streamid=${encodeURIComponent(target.streamId)}`] : []),
    ...(target.passphrase ? [`passphrase=${encodeURIComponent(target.passphrase)}`] : []),
    `pkt_size=${SRT_TS_PAYLOAD_BYTES}`,
    `latency=${Math.round((target.latencyMs ?? SRT_DEFAULT_LATENCY_MS) * 1000)}`,
  ];
  return `${base}?${params.join('&')}`;
}

/** An SRT publish URL split for ffmpeg: the URL without its secrets, and the secrets as ffmpeg options. */
export interface SrtFfmpegOutput {
  /** The URL ffmpeg opens (and prints): no streamid, no passphrase. */
  readonly url: string;
  /** Output options `-srt_streamid <id>`, `-passphrase <p>` (decoded values), possibly empty. */
  readonly options: string[];
  /** The decoded secret values, to mask in ffmpeg's output. */
  readonly secrets: string[];
}

/**
 * Moves the streamid and passphrase of an SRT publish URL (see {@link buildSrtPublishUrl}) out of the
 * URL into ffmpeg protocol options. ffmpeg 5.1's srt protocol does not percent-decode URL values, reads
 * "+" as a space and ends a value at "&" (measured: `streamid=a+b` arrived as "a b", `a&b` as "a"); as
 * options they reach libsrt byte for byte. The srt protocol's `-streamid` alias is shadowed by ffmpeg's
 * own `-streamid` option, hence `-srt_streamid`.
 */
export function srtFfmpegOutput(publishUrl: string): SrtFfmpegOutput {
  const q = publishUrl.indexOf('?');
  if (q < 0) return { url: publishUrl, options: [], secrets: [] };
  const params = new URLSearchParams(publishUrl.slice(q + 1));
  const options: string[] = [];
  const secrets: string[] = [];
  for (const name of SRT_SECRET_PARAMS) {
    const value = params.get(name);
    params.delete(name);
    if (!value) continue;
    options.push(name === 'streamid' ? '-srt_streamid' : '-passphrase', value);
    secrets.push(value);
  }
  const rest = params.toString();
  return { url: `${publishUrl.slice(0, q)}${rest ? `?${rest}` : ''}`, options, secrets };
}

/** Whether `url` is an SRT URL (`srt://…`). */
export function isSrtUrl(url: string): boolean {
  return /^srt:\/\//i.test(url);
}

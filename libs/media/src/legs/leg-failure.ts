/**
 * Why an outbound leg's ffmpeg ended, classified from its output lines (already redacted).
 * ffmpeg 5.1 wording (libavformat/rtmpproto.c, libavformat/tcp.c, libavformat/tls_*.c, libavformat/libsrt.c)
 * and libsrt 1.5's own log lines (`SRT.cn: … REJECT reported from HS processing: <reason>`).
 */
export type LegFailureKind =
  | 'auth-refused'
  | 'unreachable'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'closed-by-peer'
  | 'media'
  | 'stalled-output'
  | 'unknown';

/** A leg failure in plain words for users ("destination refused the stream key"). */
export interface LegFailure {
  readonly kind: LegFailureKind;
  readonly message: string;
}

const RULES: ReadonlyArray<{ kind: LegFailureKind; pattern: RegExp; message: string }> = [
  // SRT first: libsrt's rejection lines are followed by ffmpeg's generic "Input/output error".
  {
    kind: 'auth-refused',
    // libsrt rejection reasons 1010 (BADSECRET) and 1011 (UNSECURE), SRT RejectReasons.md.
    pattern: /REJECT reported from HS processing: (Incorrect passphrase|Password required or unexpected)/i,
    message: 'destination refused the SRT passphrase (wrong, missing, or not expected)',
  },
  {
    kind: 'auth-refused',
    pattern: /REJECT reported from HS processing|rejection HS response|connection rejected/i,
    message: 'destination rejected the SRT connection: check the streamid (stream key)',
  },
  {
    kind: 'unreachable',
    // No SRT listener: libsrt's caller gives up after its 3 s connect timeout (UDP has no "refused").
    pattern: /Connection to srt:\/\/\S* failed/i,
    message: 'no SRT listener answered at the destination host and port (connection refused or timed out)',
  },
  {
    kind: 'auth-refused',
    pattern:
      /Server error|NetStream\.Publish\.(BadName|Rejected|Denied)|NetConnection\.Connect\.Rejected|Authentication|Unauthorized|403 Forbidden/i,
    message: 'destination refused the stream key',
  },
  {
    kind: 'dns',
    pattern: /Failed to resolve|Name or service not known|nodename nor servname/i,
    message: 'destination host name could not be resolved',
  },
  {
    kind: 'unreachable',
    pattern: /Connection refused|No route to host|Network is unreachable/i,
    message: 'destination refused the connection',
  },
  { kind: 'timeout', pattern: /timed out|Operation timed out/i, message: 'connection timed out' },
  {
    kind: 'tls',
    pattern: /\bTLS\b|\bSSL\b|certificate|gnutls|handshake fail/i,
    message: 'TLS handshake failed',
  },
  {
    kind: 'closed-by-peer',
    pattern:
      /Broken pipe|Connection reset by peer|End of file|Error writing trailer|av_interleaved_write_frame\(\)/i,
    message: 'destination closed the connection',
  },
  {
    kind: 'media',
    pattern: /Invalid data found|non monotonically|Error while decoding|could not find codec/i,
    message: 'media error in the program output',
  },
];

/**
 * A destination that closes the connection this soon after ffmpeg opened its output (ms) refused the
 * stream: nginx-rtmp's `deny publish` and Twitch with a wrong key close the connection on the publish
 * command without an error message, so ffmpeg only sees "Broken pipe" on its first writes.
 */
export const PUBLISH_REFUSED_WITHIN_MS = 3000;

/**
 * Classifies a leg's end from its last ffmpeg output lines, most specific rule first. A connection
 * closed by the destination within {@link PUBLISH_REFUSED_WITHIN_MS} of the output opening counts as
 * a refused stream key.
 *
 * @param lines recent stderr lines, oldest first (redacted: they are put into the message only by kind)
 * @param exitCode ffmpeg's exit code, or null when killed by a signal
 * @param openForMs how long the output had been open (ffmpeg's "Output #0") when it ended; null if never
 */
export function classifyLegFailure(
  lines: readonly string[],
  exitCode: number | null,
  openForMs: number | null = null,
): LegFailure {
  for (const rule of RULES) {
    if (!lines.some((line) => rule.pattern.test(line))) continue;
    if (rule.kind === 'closed-by-peer' && openForMs !== null && openForMs < PUBLISH_REFUSED_WITHIN_MS) {
      return {
        kind: 'auth-refused',
        message:
          'destination closed the connection as soon as publishing began: the stream key was probably refused',
      };
    }
    return { kind: rule.kind, message: rule.message };
  }
  return {
    kind: 'unknown',
    message: exitCode === null ? 'ffmpeg was stopped' : `ffmpeg exited with code ${exitCode}`,
  };
}

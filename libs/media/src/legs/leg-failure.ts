/**
 * Why an outbound leg's ffmpeg ended, classified from its output lines (already redacted).
 * ffmpeg 5.1 wording (libavformat/rtmpproto.c, libavformat/tcp.c, libavformat/tls_*.c).
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
 * Classifies a leg's end from its last ffmpeg output lines, most specific rule first.
 *
 * @param lines recent stderr lines, oldest first (redacted: they are put into the message only by kind)
 * @param exitCode ffmpeg's exit code, or null when killed by a signal
 */
export function classifyLegFailure(lines: readonly string[], exitCode: number | null): LegFailure {
  for (const rule of RULES) {
    if (lines.some((line) => rule.pattern.test(line))) return { kind: rule.kind, message: rule.message };
  }
  return {
    kind: 'unknown',
    message: exitCode === null ? 'ffmpeg was stopped' : `ffmpeg exited with code ${exitCode}`,
  };
}

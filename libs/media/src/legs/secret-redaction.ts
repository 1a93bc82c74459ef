/**
 * Masks secrets (stream keys, full publish URLs) in text before it is logged or returned.
 *
 * Every secret of 4+ characters is replaced by "****", as is its percent-encoded form; an RTMP(S)/SRT
 * URL's path after the application name is masked too, whatever it contains (mediamtx sanitizeDestURL).
 *
 * @param text any text, e.g. an ffmpeg output line
 * @param secrets the values to mask; empty or short values are ignored
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('****');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('****');
  }
  return out.replace(STREAM_URL_PATH, (_m, base: string) => `${base}/****`);
}

/** rtmp://host[:port]/app/<stream key…> → keeps scheme, host, port and app. */
const STREAM_URL_PATH = /((?:rtmps?|rtmpt|srt):\/\/[^/\s'"]+\/[^/\s'"?]+)\/[^\s'"]+/gi;

/**
 * Masks a stream key for display: all but its last 4 characters become "*", at most 8 of them.
 * Keys of 8 characters or fewer are masked entirely. Returns null for a missing key.
 */
export function maskStreamKey(key: string | null | undefined): string | null {
  if (!key) return null;
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${'*'.repeat(8)}${key.slice(-4)}`;
}

/** What a masked secret is replaced with. */
export const MASK = '****';

/** Characters of base64url and hex secrets; a secret starts and ends where these stop. */
const TOKEN = 'A-Za-z0-9_-';

/**
 * One kind of secret found by its shape, and how it is masked. Replacements never insert `"` or `\`,
 * so scrubbing a serialized JSON line keeps it valid JSON.
 */
interface SecretShape {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replace: string | ((match: string, ...groups: string[]) => string);
}

/**
 * The secret shapes this service issues or handles, in the order they are applied:
 * - `Bearer <token>` (HTTP Authorization, RFC 6750 section 2.1);
 * - API keys: `rrk_` + base64url (apps/api/src/modules/api-keys/api-key-secret.ts);
 * - ingest stream keys: `p_`/`b_` + 43 base64url characters (32 bytes,
 *   apps/api/src/modules/events/ingest-stream-key.ts);
 * - webhook signing secrets `whsec_…` and Stripe secret/restricted keys `sk_…`/`rk_…`;
 * - RTMP(S) URLs: user info and every path segment after the application (the stream key, as
 *   mediamtx's sanitizeDestURL does), with any query;
 * - the password in any URL's user info (`postgresql://user:pw@…`, `redis://:pw@…`);
 * - SRT `streamid=` and `passphrase=` values;
 * - `name: value` / `name=value` / `"name":"value"` pairs of secret-named fields inside text
 *   (e.g. a JSON object quoted in a message).
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { name: 'bearer', pattern: /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, replace: `$1 ${MASK}` },
  { name: 'api key', pattern: new RegExp(`(?<![${TOKEN}])rrk_[${TOKEN}]{4,}`, 'g'), replace: `rrk_${MASK}` },
  {
    name: 'ingest stream key',
    pattern: new RegExp(`(?<![${TOKEN}])([pb])_[${TOKEN}]{43}(?![${TOKEN}])`, 'g'),
    replace: `$1_${MASK}`,
  },
  { name: 'webhook secret', pattern: /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_-]+/g, replace: `whsec_${MASK}` },
  { name: 'stripe key', pattern: /(?<![A-Za-z0-9])(sk|rk)_[A-Za-z0-9_]{8,}/g, replace: `$1_${MASK}` },
  {
    name: 'rtmp url',
    // scheme :// [userinfo@] host [/app [/rest…]] — rest and query masked.
    pattern: /\b(rtmps?|rtmpt|rtmpe):\/\/(?:[^\s"'\\/@]+@)?([^\s"'\\/?#]+)(\/[^\s"'\\/?#]*)?([^\s"'\\]*)/gi,
    replace: (_match, scheme: string, host: string, app = '', rest = '') =>
      `${scheme}://${host}${app}${rest ? `/${MASK}` : ''}`,
  },
  {
    name: 'URL password',
    // postgresql://user:pw@host, redis://:pw@host: the password of any URL's user info.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s"'\\/@:]*:)[^\s"'\\/@]+@/gi,
    replace: `$1${MASK}@`,
  },
  { name: 'srt stream id', pattern: /\b(streamid|passphrase)=[^\s"'\\&]*/gi, replace: `$1=${MASK}` },
  {
    name: 'secret-named field',
    pattern:
      /((?<![A-Za-z0-9_])(?:streamKey|apiKey|secret|password|passphrase|token|authorization|cookie|stripe-signature)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)(?!\*\*\*\*|\[redacted\]|Bearer\b|Basic\b)[^\s"'\\,&;}]+/gi,
    replace: `$1${MASK}`,
  },
];

/**
 * Masks every secret-shaped substring of `text` (see {@link SECRET_SHAPES}); the rest is unchanged.
 * Safe on a serialized JSON line: it never adds or removes quotes or backslashes. Pure, no I/O.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const shape of SECRET_SHAPES) {
    shape.pattern.lastIndex = 0;
    out =
      typeof shape.replace === 'string'
        ? out.replace(shape.pattern, shape.replace)
        : out.replace(shape.pattern, shape.replace);
  }
  return out;
}

/** What a redacted field's value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Fields that hold secrets wherever they appear in a logged object: API keys, ingest and destination
 * stream keys (`streamKey`, a destination's `key`), webhook and Stripe secrets, passwords, tokens, and
 * their stored forms (hashes and ciphertexts are not for logs either).
 */
export const SECRET_FIELDS = [
  'apiKey',
  'secret',
  'secretHash',
  'webhookSecret',
  'signingSecret',
  'password',
  'passphrase',
  'token',
  'accessToken',
  'streamKey',
  'streamKeyHash',
  'streamKeyCipher',
  'passphraseCipher',
  'key',
  'authorization',
  'cookie',
  'stripe-signature',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'INGEST_KEY_HMAC_SECRET',
  'DESTINATION_KEY_ENCRYPTION_KEYS',
  'RELAY_BOOTSTRAP_API_KEY',
] as const;

/** `name` as a pino redact path segment: bare when an identifier, bracket-quoted otherwise. */
function segment(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `["${name}"]`;
}

function join(prefix: string, name: string): string {
  const part = segment(name);
  return part.startsWith('[') ? `${prefix}${part}` : `${prefix}.${part}`;
}

/**
 * pino `redact.paths` (fast-redact syntax) for {@link SECRET_FIELDS}: at the top level of a log object,
 * one and two levels down (`destination.key`, `job.data.streamKey`), in arrays of objects
 * (`destinations[*].key`), and in HTTP headers (`req.headers.authorization`, `res.headers["set-cookie"]`).
 */
export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const name of SECRET_FIELDS) {
    paths.push(segment(name), join('*', name), join('*.*', name), join('*[*]', name), join('*.*[*]', name));
  }
  for (const header of ['authorization', 'cookie', 'set-cookie', 'stripe-signature', 'x-api-key']) {
    paths.push(join('req.headers', header), join('res.headers', header), join('headers', header));
  }
  return [...new Set(paths)];
}

import { BlockList, isIP } from 'node:net';

/** Longest webhook URL accepted, characters. */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

// Addresses a webhook must not reach unless WEBHOOKS_ALLOW_PRIVATE_URLS (SSRF): RFC 6890 special-purpose
// blocks — "this network", private (RFC 1918), shared (RFC 6598), loopback, link-local (cloud metadata
// at 169.254.169.254), benchmarking, multicast and reserved; IPv6 loopback, unique-local, link-local,
// multicast, and IPv4-mapped/NAT64 forms of all of these.
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/**
 * Whether `address` (an IPv4 or IPv6 literal) is private, loopback, link-local or otherwise not a public
 * unicast address. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as its IPv4 address. A string that
 * is not an IP address counts as private (refused).
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(bare);
  if (family === 4) return PRIVATE.check(bare, 'ipv4');
  if (family === 6) return PRIVATE.check(bare, 'ipv6') || /^::ffff:/i.test(bare);
  return true;
}

/**
 * Why `value` cannot be a webhook URL, or null when it can: an absolute `https://` URL with a host, no
 * credentials, at most {@link WEBHOOK_URL_MAX_LENGTH} characters. Unless `allowPrivate`, `http://`,
 * `localhost` and private IP literals are refused (host names are checked again, resolved, at delivery).
 */
export function webhookUrlProblem(value: string, allowPrivate: boolean): string | null {
  if (value.length > WEBHOOK_URL_MAX_LENGTH) return `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return allowPrivate ? 'must be an http:// or https:// URL' : 'must be an https:// URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not contain a #fragment';
  if (allowPrivate) return null;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host))) {
    return 'must not point to a private, loopback or link-local address';
  }
  return null;
}

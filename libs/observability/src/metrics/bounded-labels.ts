/**
 * Label values with a bounded set of values. A Prometheus series exists per distinct label set, forever
 * until the process restarts, so a label fed from a request (a raw URL, a user-chosen name) can grow the
 * registry without limit; and a label is shown to whoever can scrape, so it must never hold a secret.
 */

/** HTTP methods kept as they are in the `method` label; anything else becomes 'OTHER'. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethodLabel = (typeof HTTP_METHODS)[number] | 'OTHER';

/** `value` when it is one of `allowed`, else `fallback` (e.g. 'other'): the label has |allowed| + 1 values. */
export function boundedLabel<T extends string, F extends string>(
  value: string | null | undefined,
  allowed: readonly T[],
  fallback: F,
): T | F {
  return value !== null && value !== undefined && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

/** The `method` label of a request: one of {@link HTTP_METHODS} (upper case) or 'OTHER'. */
export function httpMethodLabel(method: string | undefined): HttpMethodLabel {
  return boundedLabel(method?.toUpperCase(), HTTP_METHODS, 'OTHER');
}

/** The status class label of an HTTP status code (RFC 9110, 15): '2xx'…'5xx', or 'unknown' outside 100–599. */
export function statusClass(status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'unknown' {
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'unknown';
  return `${Math.floor(status / 100) as 1 | 2 | 3 | 4 | 5}xx`;
}

/** Thrown when a label value could carry a secret or an unbounded string. */
export class UnsafeLabelValueError extends Error {}

/** Most characters an identifier label (event id, destination id) may have: a UUID has 36. */
const MAX_ID_LABEL_LENGTH = 64;
/** Identifier labels: letters, digits and `-`/`_`/`.` only, so a URL, a path or a key=value never fits. */
const ID_LABEL = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks an identifier used as a label value (an event or destination id): 1–64 characters of
 * `[A-Za-z0-9_.-]`. A URL (`rtmp://…/key`), a path or free text fails.
 *
 * @returns `value` unchanged.
 * @throws UnsafeLabelValueError naming only the value's length, never the value.
 */
export function idLabel(value: string): string {
  if (value.length > MAX_ID_LABEL_LENGTH || !ID_LABEL.test(value))
    throw new UnsafeLabelValueError(`Refused an identifier label value of ${value.length} characters`);
  return value;
}

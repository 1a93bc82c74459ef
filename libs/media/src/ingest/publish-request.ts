import { amf0Properties } from '../protocols/amf0/amf0-types';
import type { Amf0Value } from '../protocols/amf0/amf0-types';

/** Longest stream key accepted (after the `?query` is stripped), in characters. */
export const MAX_STREAM_KEY_LENGTH = 256;
/** Longest application name accepted, in characters. */
export const MAX_APP_NAME_LENGTH = 128;
/** Longest encoder description kept from `connect`, in characters. */
export const MAX_ENCODER_LENGTH = 64;

// Printable ASCII except space and the characters URLs reserve for structure.
const KEY_PATTERN = /^[\x21-\x7e]+$/;

/**
 * The stream key of a `publish` command (RTMP spec 1.0, 7.2.2.6, "Publishing Name"): the string before
 * any `?query` (OBS and some CDNs append parameters). Secret: callers must never log it.
 * @returns null when not a non-empty string of at most {@link MAX_STREAM_KEY_LENGTH} printable ASCII
 *   characters
 */
export function parseStreamKey(raw: Amf0Value): string | null {
  if (typeof raw !== 'string') return null;
  const q = raw.indexOf('?');
  const key = q === -1 ? raw : raw.slice(0, q);
  if (key.length === 0 || key.length > MAX_STREAM_KEY_LENGTH || !KEY_PATTERN.test(key)) return null;
  return key;
}

/**
 * The application name of a `connect` command object (RTMP spec 1.0, 7.2.1.1, property `app`), without
 * a `?query` or trailing slashes. May hold a stream key when a publisher is misconfigured: never log it.
 * @returns null when missing, empty or longer than {@link MAX_APP_NAME_LENGTH}
 */
export function parseAppName(commandObject: Amf0Value): string | null {
  const app = amf0Properties(commandObject)?.['app'];
  if (typeof app !== 'string') return null;
  const q = app.indexOf('?');
  const name = (q === -1 ? app : app.slice(0, q)).replace(/\/+$/, '');
  return name.length === 0 || name.length > MAX_APP_NAME_LENGTH ? null : name;
}

/**
 * The encoder description of a `connect` command object (`flashVer`, e.g. "FMLE/3.0 (compatible;
 * Lavf59.27.100)"), reduced to printable ASCII and {@link MAX_ENCODER_LENGTH} characters; "" if absent.
 */
export function parseEncoderName(commandObject: Amf0Value): string {
  const v = amf0Properties(commandObject)?.['flashVer'];
  if (typeof v !== 'string') return '';
  return v.slice(0, MAX_ENCODER_LENGTH).replace(/[^\x20-\x7e]/g, '?');
}

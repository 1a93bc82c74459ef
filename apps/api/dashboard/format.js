// @ts-check
/** Plain-words labels and formatting of the API's values (every one ends up in textContent). */

/** @type {Record<string, string>} */
export const EVENT_STATUS = {
  idle: 'Idle: not started',
  standby: 'Standby: waiting for an encoder',
  live: 'Live',
  ended: 'Ended',
};

/** @type {Record<string, string>} */
export const INPUT_STATE = {
  live: 'Live: receiving media',
  stalled: 'Stalled: connected, no media',
  offline: 'Offline: no encoder connected',
};

/** @type {Record<string, string>} */
export const LEG_STATE = {
  idle: 'Idle',
  connecting: 'Connecting',
  live: 'Live',
  retrying: 'Retrying',
  failed: 'Failed: gave up',
};

/** @type {Record<string, string>} */
const TIMELINE_TYPE = {
  input_connected: 'Encoder connected',
  ingest_refused: 'Encoder refused',
  input_lost: 'Input lost',
  input_recovered: 'Input recovered',
  failover: 'Failover: the backup went on air',
  failback: 'Failback: the primary is on air again',
  program_interrupted: 'Program interrupted',
  program_resumed: 'Program resumed',
  event_started: 'Event started',
  event_live: 'Event live',
  event_stopped: 'Event stopped',
  leg_connected: 'Destination connected',
  leg_failed: 'Destination failed',
  leg_restarted: 'Destination restarted',
  leg_gave_up: 'Destination gave up',
  leg_stopped: 'Destination stopped',
  rehearsal_started: 'Rehearsal started',
  rehearsal_ended: 'Rehearsal ended',
  slate_started: 'Slate on air: both inputs down',
  slate_ended: 'Slate ended',
  flap_damping_started: 'Failback held back: inputs flapping',
  flap_damping_ended: 'Failback allowed again',
};

/** @param {string | null | undefined} role */
export function roleName(role) {
  return role === 'primary' ? 'Primary' : role === 'backup' ? 'Backup' : 'None';
}

/** @param {any} media InputMediaInfo or null */
export function mediaSummary(media) {
  if (!media || (!media.video && !media.audio)) return 'No media information yet.';
  const parts = [];
  const v = media.video;
  if (v) {
    const codec = [v.codec === 'h264' ? 'H.264' : String(v.codec).toUpperCase(), v.profile, v.level]
      .filter(Boolean)
      .join(' ');
    const size = v.width && v.height ? `${v.width}×${v.height}` : null;
    const fps = v.frameRate ?? v.measuredFrameRate;
    const gop = v.keyframeIntervalMs ? `keyframe every ${(v.keyframeIntervalMs / 1000).toFixed(1)} s` : null;
    const kbps = v.bitrateKbps !== null ? `${Math.round(v.bitrateKbps)} kbit/s` : null;
    parts.push(
      `Video: ${[codec, size, fps ? `${round1(fps)} fps` : null, gop, kbps].filter(Boolean).join(', ')}`,
    );
  }
  const a = media.audio;
  if (a) {
    const codec = [String(a.codec).toUpperCase(), a.profile].filter(Boolean).join(' ');
    const rate = a.sampleRate ? `${round1(a.sampleRate / 1000)} kHz` : null;
    const channels = a.channels ? (a.channels === 2 ? 'stereo' : `${a.channels} channels`) : null;
    const kbps = a.bitrateKbps !== null ? `${Math.round(a.bitrateKbps)} kbit/s` : null;
    parts.push(`Audio: ${[codec, rate, channels, kbps].filter(Boolean).join(', ')}`);
  }
  return parts.join('. ');
}

/** @param {number} n */
function round1(n) {
  return Math.round(n * 10) / 10;
}

/** @param {string | null | undefined} iso */
export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '';
}

/** @param {number | null | undefined} ms */
export function millis(ms) {
  if (ms === null || ms === undefined) return 'not measured';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** @param {number} bytes */
export function byteCount(bytes) {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${Math.round(bytes / 1_000)} kB`;
  return `${bytes} bytes`;
}

/** The detail fields worth a viewer's attention, in this order; the rest is for the API's users. */
const TIMELINE_FACTS = /** @type {Array<[string, (value: any) => string]>} */ ([
  ['reason', (v) => String(v)],
  ['encoder', (v) => `encoder ${v}`],
  ['gapMs', (v) => `gap ${millis(Number(v))}`],
  ['durationMs', (v) => `for ${millis(Number(v))}`],
  ['verdict', (v) => `verdict: ${v}`],
  ['attempt', (v) => `attempt ${v}`],
  ['retryInMs', (v) => `retry in ${millis(Number(v))}`],
]);

/**
 * One line for a timeline entry, e.g. "Input lost (primary) — rehearsal: primary dropped on purpose".
 * @param {any} entry TimelineEntryJson
 * @param {(destinationId: string) => string} destinationName
 */
export function timelineText(entry, destinationName) {
  let text = TIMELINE_TYPE[entry.type] ?? String(entry.type);
  if (entry.input) text += ` (${entry.input})`;
  if (entry.destinationId) text += `: ${destinationName(entry.destinationId)}`;
  const detail = entry.detail && typeof entry.detail === 'object' ? entry.detail : {};
  const facts = TIMELINE_FACTS.filter(([key]) => detail[key] !== undefined && detail[key] !== null).map(
    ([key, show]) => show(detail[key]),
  );
  return facts.length > 0 ? `${text} — ${facts.join(', ')}` : text;
}

// @ts-check
import { byId, el } from './dom.js';
import { byteCount, clock, millis } from './format.js';

/**
 * Why a rehearsal cannot start now (the API's own conditions), or null when it can.
 * @param {any} event EventJson
 * @param {any} rehearsal RehearsalJson or null
 */
export function rehearsalBlocker(event, rehearsal) {
  if (rehearsal?.status === 'running') return 'A rehearsal is running.';
  if (event.status !== 'live') return 'Start the event and wait until it is live to rehearse.';
  if (event.ingest.backup.state !== 'live')
    return 'The backup encoder is not publishing: connect it to the backup ingest URL first.';
  if (event.activeInput !== 'primary') return 'The primary must be on air: a rehearsal drops it.';
  return null;
}

/**
 * Shows the running rehearsal's progress, or the finished one's report.
 * @param {any} rehearsal RehearsalJson or null
 * @param {any} event EventJson
 * @param {Map<string, string>} names destination id → name
 */
export function renderRehearsal(rehearsal, event, names) {
  const progress = byId('rehearsal-progress');
  const report = byId('rehearsal-report');
  const blocker = rehearsalBlocker(event, rehearsal);
  /** @type {HTMLButtonElement} */ (byId('start-rehearsal')).disabled = blocker !== null;
  byId('rehearsal-hint').textContent = blocker ?? 'Ready: the primary and the backup are both live.';
  progress.hidden = rehearsal?.status !== 'running';
  report.hidden = !rehearsal || rehearsal.status === 'running';
  if (!rehearsal) return;
  if (rehearsal.status === 'running') {
    progress.replaceChildren(...progressParts(rehearsal, event));
    return;
  }
  if (report.getAttribute('data-rehearsal') === `${rehearsal.id}:${rehearsal.status}`) return;
  report.setAttribute('data-rehearsal', `${rehearsal.id}:${rehearsal.status}`);
  report.replaceChildren(...reportParts(rehearsal, names));
}

/** @param {any} r @param {any} event */
function progressParts(r, event) {
  const elapsed = Math.min(r.durationMs, Math.max(0, Date.now() - Date.parse(r.startedAt)));
  const legs = /** @type {any[]} */ (event.destinations);
  const liveLegs = legs.filter((d) => d.state === 'live').length;
  const backupOnAir = event.activeInput === 'backup';
  return [
    el('h4', {}, 'Rehearsal running'),
    el('progress', { max: String(r.durationMs), value: String(elapsed), 'aria-label': 'Rehearsal progress' }),
    el(
      'p',
      {},
      `${Math.floor(elapsed / 1000)} s of ${Math.round(r.durationMs / 1000)} s with the primary dropped`,
    ),
    el(
      'ul',
      { class: 'steps' },
      el('li', {}, `Primary dropped at ${clock(r.startedAt)}.`),
      el(
        'li',
        { id: 'rehearsal-backup-on-air', 'data-done': backupOnAir ? 'yes' : 'no' },
        backupOnAir
          ? 'Backup on air: yes, the backup took over.'
          : 'Backup on air: not yet, waiting for the switch.',
      ),
      el('li', {}, `Destinations live: ${liveLegs} of ${legs.length}.`),
      el('li', {}, 'At the end the primary is read again and goes back on air (failback).'),
    ),
  ];
}

/** @param {any} r @param {Map<string, string>} names */
function reportParts(r, names) {
  const passed = r.verdict === 'pass';
  const tookOver = r.detectionMs !== null;
  const title = r.status === 'aborted' ? 'aborted' : passed ? 'passed' : 'failed';
  const summary = passed
    ? `Passed: the backup took over ${millis(r.detectionMs)} after the primary was dropped, and no destination had to reconnect.`
    : `${r.status === 'aborted' ? 'Aborted' : 'Failed'}: ${r.reasons[0] ?? 'see the details below'}.`;
  /** @type {Array<[string, string]>} */
  const facts = [
    [
      'Did the backup take over?',
      tookOver
        ? `Yes, ${millis(r.detectionMs)} after the primary was dropped`
        : 'No, the backup never went on air',
    ],
    ['Gap in the program at the switch', gap(r.switchGapMs)],
    [
      'Back to the primary (failback)',
      r.failbackGapMs !== null ? `Yes (gap: ${gap(r.failbackGapMs)})` : 'Not seen',
    ],
    ['Destinations that had to reconnect', r.legReconnects === 0 ? 'None' : String(r.legReconnects)],
    ['Primary dropped for', millis(r.durationMs)],
    ['Started', clock(r.startedAt)],
    ['Ended', clock(r.endedAt)],
  ];
  const legs = /** @type {any[]} */ (r.legs);
  return [
    el('h4', { class: `verdict verdict-${passed ? 'pass' : 'fail'}` }, `Rehearsal report: ${title}`),
    el('p', { id: 'rehearsal-summary', class: 'summary' }, summary),
    el('dl', {}, ...facts.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])),
    ...(legs.length > 0 ? [legsTable(legs, names)] : []),
    el('h5', {}, 'Findings'),
    el(
      'ul',
      { class: 'findings' },
      .../** @type {string[]} */ (r.reasons).map((reason) => el('li', {}, reason)),
    ),
  ];
}

/** @param {number | null} ms */
function gap(ms) {
  if (ms === null) return 'not measured';
  return ms === 0 ? 'none beyond one frame' : millis(ms);
}

/** @param {any[]} legs @param {Map<string, string>} names */
function legsTable(legs, names) {
  return el(
    'table',
    {},
    el('caption', {}, 'Destinations during the rehearsal'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Destination'),
        el('th', { scope: 'col' }, 'Stayed connected'),
        el('th', { scope: 'col' }, 'Sent during the switch'),
      ),
    ),
    el(
      'tbody',
      {},
      ...legs.map((leg) =>
        el(
          'tr',
          {},
          el('td', {}, names.get(leg.destinationId) ?? 'a removed destination'),
          el('td', {}, leg.stayedConnected ? 'Yes' : 'No: it reconnected'),
          el('td', {}, byteCount(leg.bytesDuringSwitch)),
        ),
      ),
    ),
  );
}

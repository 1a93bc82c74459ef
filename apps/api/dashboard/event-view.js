// @ts-check
import { byId, copyField, el, setBadge, setText } from './dom.js';
import {
  clock,
  EVENT_STATUS,
  INPUT_STATE,
  LEG_STATE,
  mediaSummary,
  roleName,
  timelineText,
} from './format.js';

/** Most timeline entries kept in the page. */
const TIMELINE_MAX = 300;

/**
 * The open event: header, inputs, destinations and timeline, built once and then updated in place (so a
 * button under the pointer is never replaced by a live update).
 */
export class EventView {
  /**
   * @param {{ rotateKey(role: string): void, removeDestination(id: string, name: string): void }} actions
   */
  constructor(actions) {
    this.actions = actions;
    /** @type {Map<string, { row: HTMLElement, cells: HTMLElement[] }>} */
    this.rows = new Map();
    /** @type {Map<string, string>} destination id → name, also for removed ones still in the timeline */
    this.names = new Map();
    /** @type {Set<string>} */
    this.timelineIds = new Set();
    this.inputs = {
      primary: this.buildInput('primary'),
      backup: this.buildInput('backup'),
    };
  }

  /** Empties the per-event parts (another event is opened). */
  reset() {
    byId('destinations').querySelector('tbody')?.replaceChildren();
    this.rows.clear();
    byId('timeline').replaceChildren();
    this.timelineIds.clear();
  }

  /** @param {'primary' | 'backup'} role */
  buildInput(role) {
    const card = byId(`input-${role}`);
    const state = el('strong', { id: `input-${role}-state`, class: 'badge' });
    const onAir = el('strong', { id: `input-${role}-on-air`, class: 'on-air' });
    const media = el('p', { id: `input-${role}-media`, class: 'media' });
    const url = copyField(`ingest-${role}-url`, 'Ingest URL', roleName(role));
    const server = copyField(`ingest-${role}-server`, 'Server', roleName(role));
    const key = copyField(`ingest-${role}-key`, 'Stream key', roleName(role));
    const keyNote = el('p', { id: `ingest-${role}-key-note`, class: 'hint' });
    const rotate = el(
      'button',
      { type: 'button', onclick: () => this.actions.rotateKey(role) },
      `New ${role} stream key`,
    );
    card.replaceChildren(
      el('h4', {}, `${roleName(role)} input`),
      el('p', {}, 'State: ', state, ' ', onAir),
      media,
      url.node,
      el('p', { class: 'hint' }, 'Or, for encoders that ask for a server and a key separately (OBS):'),
      server.node,
      key.node,
      keyNote,
      rotate,
    );
    return { state, onAir, media, url, server, key, keyNote };
  }

  /**
   * @param {any} event EventJson
   * @param {Record<string, { url: string, streamKey: string }>} shownKeys full keys from create/rotate
   */
  render(event, shownKeys) {
    setText('event-name', event.name);
    setBadge(byId('event-status'), event.status, EVENT_STATUS[event.status] ?? event.status);
    setText('event-on-air', onAirText(event));
    setText('event-status-reason', event.statusReason ?? '');
    /** @type {HTMLButtonElement} */ (byId('start-event')).disabled = !['idle', 'ended'].includes(
      event.status,
    );
    /** @type {HTMLButtonElement} */ (byId('stop-event')).disabled = !['standby', 'live'].includes(
      event.status,
    );
    for (const role of /** @type {const} */ (['primary', 'backup'])) {
      const ingest = event.ingest[role];
      const view = this.inputs[role];
      setBadge(view.state, ingest.state, INPUT_STATE[ingest.state] ?? ingest.state);
      view.onAir.textContent = event.activeInput === role ? 'On air' : '';
      view.media.textContent = mediaSummary(ingest.media);
      const shown = shownKeys[role];
      view.url.set(shown?.url ?? ingest.url);
      view.server.set(ingest.serverUrl);
      view.key.set(shown?.streamKey ?? ingest.streamKey);
      view.keyNote.textContent = shown
        ? 'Full stream key shown this once: copy it now, it will not be shown again.'
        : 'Stream key masked: only its last 4 characters are kept for display.';
    }
    byId('key-notice').hidden = Object.keys(shownKeys).length === 0;
    const warnings = /** @type {any[]} */ (event.warnings ?? []);
    byId('media-warnings').replaceChildren(
      ...warnings.map((w) =>
        el('li', {}, `Warning: ${w.message} (primary ${w.primary}, backup ${w.backup})`),
      ),
    );
    this.renderDestinations(event.destinations);
  }

  /** @param {any[]} destinations DestinationJson[] */
  renderDestinations(destinations) {
    const tbody = /** @type {HTMLElement} */ (byId('destinations').querySelector('tbody'));
    const seen = new Set();
    for (const d of destinations) {
      seen.add(d.id);
      this.names.set(d.id, d.name);
      let entry = this.rows.get(d.id);
      if (!entry) {
        const cells = [0, 1, 2, 3, 4, 5].map(() => el('td'));
        const remove = el(
          'button',
          { type: 'button', onclick: () => this.actions.removeDestination(d.id, this.names.get(d.id) ?? '') },
          'Remove',
        );
        const row = el('tr', { 'data-destination-id': d.id }, ...cells, el('td', {}, remove));
        remove.setAttribute('aria-label', `Remove destination ${d.name}`);
        tbody.append(row);
        entry = { row, cells };
        this.rows.set(d.id, entry);
      }
      const [name, url, key, state, restarts, lastError] = entry.cells;
      if (!name || !url || !key || !state || !restarts || !lastError) continue;
      name.textContent = d.name;
      url.textContent = d.url;
      key.textContent = d.streamKeyMasked ?? 'none';
      state.replaceChildren(el('span', { class: `badge state-${d.state}` }, LEG_STATE[d.state] ?? d.state));
      restarts.textContent = String(d.restarts);
      lastError.textContent = d.lastError ?? '';
    }
    for (const [id, entry] of this.rows) {
      if (seen.has(id)) continue;
      entry.row.remove();
      this.rows.delete(id);
    }
    byId('no-destinations').hidden = destinations.length > 0;
  }

  /** @param {any[]} entries TimelineEntryJson[], any order; known ids are skipped */
  addTimeline(entries) {
    const list = byId('timeline');
    for (const entry of entries) {
      if (this.timelineIds.has(entry.id)) continue;
      this.timelineIds.add(entry.id);
      const item = el(
        'li',
        { 'data-id': entry.id, 'data-type': entry.type },
        el('time', { datetime: entry.at }, clock(entry.at)),
        ' ',
        timelineText(entry, (id) => this.names.get(id) ?? 'a removed destination'),
      );
      // Newest first: insert before the first item with a smaller id.
      const after = [...list.children].find(
        (li) => compareIds(li.getAttribute('data-id') ?? '0', entry.id) < 0,
      );
      list.insertBefore(item, after ?? null);
    }
    while (list.children.length > TIMELINE_MAX) list.lastElementChild?.remove();
  }

  /** The id of the newest entry shown, or null. */
  lastTimelineId() {
    return byId('timeline').firstElementChild?.getAttribute('data-id') ?? null;
  }
}

/**
 * Compares two decimal id strings (64-bit values, beyond Number's exact range).
 * @param {string} a
 * @param {string} b
 */
export function compareIds(a, b) {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** @param {any} event */
function onAirText(event) {
  if (event.slate) return `On air: the slate (both inputs down) until ${clock(event.slate.endsAt)}`;
  if (event.activeInput) return `On air: ${roleName(event.activeInput).toLowerCase()} input`;
  return event.status === 'ended' || event.status === 'idle' ? '' : 'On air: nothing yet';
}

// @ts-check
import { byId, guarded, setText } from './dom.js';
import { EventView } from './event-view.js';
import { renderRehearsal } from './rehearsal-view.js';
import { openEventStream } from './sse.js';

/**
 * @typedef {object} OpenEvent
 * @property {string} id
 * @property {any} event EventJson, replaced by each `event` frame of the stream
 * @property {any} rehearsal latest RehearsalJson or null
 * @property {Record<string, { url: string, streamKey: string }>} shownKeys full ingest keys from the
 *   create or rotate answer, kept in memory only, until the user hides them or leaves the event
 * @property {{ close(): void }} stream
 */

/** The open event: loaded once, then kept current by the live status stream `GET /v1/events/:id/stream`. */
export class EventPage {
  /**
   * @param {{ request(method: string, path: string, body?: unknown): Promise<any> }} api
   * @param {() => string | null} getKey
   * @param {{ onUnauthorized(): void, onChange(event: any): void }} hooks
   */
  constructor(api, getKey, hooks) {
    this.api = api;
    this.getKey = getKey;
    this.hooks = hooks;
    /** @type {OpenEvent | null} */
    this.current = null;
    this.view = new EventView({
      rotateKey: (role) => this.rotateKey(role),
      removeDestination: (id, name) => this.removeDestination(id, name),
    });
    // The rehearsal's progress bar moves between updates.
    setInterval(() => {
      const open = this.current;
      if (open?.rehearsal?.status === 'running') renderRehearsal(open.rehearsal, open.event, this.view.names);
    }, 1000);
  }

  /**
   * @param {string} id
   * @param {any} [event] the event JSON when the caller has it (the create answer, with the full keys)
   */
  async open(id, event) {
    this.close();
    this.view.reset();
    const path = `/v1/events/${encodeURIComponent(id)}`;
    const loaded = event ?? (await this.api.request('GET', path));
    /** @type {OpenEvent['shownKeys']} */
    const shownKeys = {};
    for (const role of ['primary', 'backup']) {
      const ingest = loaded.ingest[role];
      if (ingest.streamKeyShown) shownKeys[role] = { url: ingest.url, streamKey: ingest.streamKey };
    }
    const rehearsals = await this.api.request('GET', `${path}/rehearsals`);
    /** @type {OpenEvent} */
    const open = {
      id,
      event: loaded,
      rehearsal: rehearsals.items[0] ?? null,
      shownKeys,
      stream: { close() {} },
    };
    this.current = open;
    byId('event-view').hidden = false;
    this.render();
    open.stream = this.follow(open, path);
  }

  close() {
    this.current?.stream.close();
    this.current = null;
    byId('event-view').hidden = true;
    setText('live-connection', 'Live updates: off');
  }

  render() {
    const open = this.current;
    if (!open) return;
    document.title = `${open.event.name} · Restream Relay`;
    this.view.render(open.event, open.shownKeys);
    renderRehearsal(open.rehearsal, open.event, this.view.names);
    this.hooks.onChange(open.event);
  }

  /**
   * @param {OpenEvent} open
   * @param {string} path
   */
  follow(open, path) {
    return openEventStream(`${path}/stream`, this.getKey, {
      onOpen: () => {
        // The stream sends only the timeline entries written after it connected: fetch the ones before.
        void guarded('event-error', () => this.catchUpTimeline(open, path));
      },
      onFrame: (frame) => {
        if (this.current !== open) return;
        let data;
        try {
          data = JSON.parse(frame.data);
        } catch {
          return;
        }
        if (frame.event === 'event') open.event = data;
        else if (frame.event === 'rehearsal') open.rehearsal = data;
        else if (frame.event === 'timeline') this.view.addTimeline([data]);
        if (frame.event === 'event' || frame.event === 'rehearsal') this.render();
      },
      onState: (state) => {
        if (this.current !== open) return;
        if (state.kind === 'connecting') setText('live-connection', 'Live updates: connecting');
        else if (state.kind === 'open') setText('live-connection', 'Live updates: on');
        else if (state.kind === 'retrying')
          setText(
            'live-connection',
            `Live updates: lost (${state.why}), retrying in ${Math.ceil(state.inMs / 1000)} s`,
          );
        else {
          setText('live-connection', 'Live updates: stopped');
          if (state.status === 404) setText('event-error', 'This event no longer exists.');
          if (state.status === 401) this.hooks.onUnauthorized();
        }
      },
    });
  }

  /**
   * @param {OpenEvent} open
   * @param {string} path
   */
  async catchUpTimeline(open, path) {
    for (let pages = 0; pages < 10 && this.current === open; pages += 1) {
      const after = this.view.lastTimelineId();
      const page = await this.api.request(
        'GET',
        `${path}/timeline?limit=500${after ? `&after=${after}` : ''}`,
      );
      if (this.current !== open) return;
      this.view.addTimeline(page.items);
      if (!page.nextCursor) return;
    }
  }

  /**
   * Runs a call on the open event, then shows the event it answers (or reloads it).
   * @param {string} errorId
   * @param {(path: string) => Promise<any>} call gets `/v1/events/<id>`; its answer, if an event, is shown
   */
  act(errorId, call) {
    const open = this.current;
    if (!open) return Promise.resolve();
    return guarded(errorId, async () => {
      const path = `/v1/events/${encodeURIComponent(open.id)}`;
      const answer = await call(path);
      if (this.current !== open) return;
      open.event = answer?.ingest ? answer : await this.api.request('GET', path);
      this.render();
    });
  }

  /** @param {number} durationMs */
  startRehearsal(durationMs) {
    const open = this.current;
    if (!open) return Promise.resolve();
    return guarded('rehearsal-error', async () => {
      open.rehearsal = await this.api.request('POST', `/v1/events/${open.id}/rehearsals`, { durationMs });
      this.render();
    });
  }

  hideKeys() {
    if (this.current) this.current.shownKeys = {};
    this.render();
  }

  /** @param {string} role */
  rotateKey(role) {
    const open = this.current;
    if (!open) return;
    if (!confirm(`Make a new ${role} stream key? An encoder publishing with the current key is cut at once.`))
      return;
    void this.act('event-error', async (path) => {
      const event = await this.api.request('POST', `${path}/ingest/${role}/rotate-key`);
      const ingest = event.ingest[role];
      open.shownKeys[role] = { url: ingest.url, streamKey: ingest.streamKey };
      return event;
    });
  }

  /**
   * @param {string} id
   * @param {string} name
   */
  removeDestination(id, name) {
    if (!confirm(`Remove the destination "${name}"? Its stream is closed.`)) return;
    void this.act('destination-error', (path) => this.api.request('DELETE', `${path}/destinations/${id}`));
  }
}

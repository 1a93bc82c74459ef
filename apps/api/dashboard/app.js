// @ts-check
import { ApiError, createApi } from './api.js';
import { byId, el, setText } from './dom.js';
import { EventView } from './event-view.js';
import { EVENT_STATUS } from './format.js';
import { renderRehearsal } from './rehearsal-view.js';
import { openEventStream } from './sse.js';

const KEY_STORAGE = 'relay.apiKey';
/** @type {Record<string, { name: string, url: string }>} */
const PLATFORMS = {
  youtube: { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2' },
  twitch: { name: 'Twitch', url: 'rtmp://live.twitch.tv/app' },
  custom: { name: '', url: '' },
};

/** @type {string | null} */
let apiKey = sessionStorage.getItem(KEY_STORAGE);
const api = createApi(
  () => apiKey,
  () => signOut('Your API key is no longer accepted (revoked or expired). Sign in again.'),
);

/**
 * The open event. `shownKeys`: full ingest keys from the create or rotate answer, kept in memory only.
 * @type {{ id: string, event: any, rehearsal: any, shownKeys: Record<string, { url: string, streamKey: string }>,
 *   stream: { close(): void } } | null}
 */
let current = null;
const view = new EventView({ rotateKey, removeDestination });

/**
 * Runs `action`, showing an API error in the alert paragraph `errorId` (cleared first).
 * @param {string} errorId
 * @param {() => Promise<void>} action
 */
async function guarded(errorId, action) {
  setText(errorId, '');
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // signed out with its own message
    setText(errorId, error instanceof Error ? error.message : String(error));
  }
}

function showSignedIn() {
  byId('sign-in').hidden = apiKey !== null;
  byId('workspace').hidden = apiKey === null;
  byId('session').hidden = apiKey === null;
}

/** @param {string} key */
async function signIn(key) {
  const page = await api.request('GET', '/v1/events?limit=50', undefined, key);
  apiKey = key;
  sessionStorage.setItem(KEY_STORAGE, key);
  showSignedIn();
  renderEventList(page.items);
  const fromHash = /^#event=([\w-]+)$/.exec(location.hash)?.[1];
  if (fromHash) await guarded('event-error', () => openEvent(fromHash));
}

/** @param {string} [message] shown on the sign-in form */
function signOut(message = '') {
  closeEvent();
  apiKey = null;
  sessionStorage.removeItem(KEY_STORAGE);
  byId('event-list').replaceChildren();
  showSignedIn();
  setText('sign-in-error', message);
}

async function loadEvents() {
  const page = await api.request('GET', '/v1/events?limit=50');
  renderEventList(page.items);
}

/** @param {any[]} events */
function renderEventList(events) {
  byId('event-list').replaceChildren(
    ...events.map((event) =>
      el(
        'li',
        { 'data-event-id': event.id },
        el(
          'button',
          {
            type: 'button',
            class: 'event-link',
            'aria-current': current?.id === event.id ? 'true' : undefined,
            onclick: () => void guarded('event-error', () => openEvent(event.id)),
          },
          el('span', { class: 'event-link-name' }, event.name),
          el('span', { class: 'event-link-status' }, EVENT_STATUS[event.status] ?? event.status),
        ),
      ),
    ),
  );
}

function closeEvent() {
  current?.stream.close();
  current = null;
  byId('event-view').hidden = true;
  setText('live-connection', 'Live updates: off');
}

/**
 * @param {string} id
 * @param {any} [event] the event JSON when the caller has it (create answer, with full keys)
 */
async function openEvent(id, event) {
  closeEvent();
  view.reset();
  const loaded = event ?? (await api.request('GET', `/v1/events/${encodeURIComponent(id)}`));
  const shownKeys = /** @type {Record<string, { url: string, streamKey: string }>} */ ({});
  for (const role of ['primary', 'backup']) {
    const ingest = loaded.ingest[role];
    if (ingest.streamKeyShown) shownKeys[role] = { url: ingest.url, streamKey: ingest.streamKey };
  }
  const rehearsals = await api.request('GET', `/v1/events/${encodeURIComponent(id)}/rehearsals`);
  current = { id, event: loaded, rehearsal: rehearsals.items[0] ?? null, shownKeys, stream: { close() {} } };
  history.replaceState(null, '', `#event=${id}`);
  byId('event-view').hidden = false;
  render();
  for (const li of byId('event-list').children) {
    if (li.getAttribute('data-event-id') === id) li.firstElementChild?.setAttribute('aria-current', 'true');
    else li.firstElementChild?.removeAttribute('aria-current');
  }
  current.stream = followEvent(current);
}

/** @param {NonNullable<typeof current>} open */
function followEvent(open) {
  const path = `/v1/events/${encodeURIComponent(open.id)}`;
  return openEventStream(`${path}/stream`, () => apiKey, {
    onOpen() {
      // The stream sends only entries written after it connected: fetch what came before.
      void guarded('event-error', () => catchUpTimeline(open, path));
    },
    onFrame(frame) {
      if (current !== open) return;
      let data;
      try {
        data = JSON.parse(frame.data);
      } catch {
        return;
      }
      if (frame.event === 'event') open.event = data;
      else if (frame.event === 'rehearsal') open.rehearsal = data;
      else if (frame.event === 'timeline') view.addTimeline([data]);
      if (frame.event !== 'timeline') render();
    },
    onState(state) {
      if (current !== open) return;
      const text = {
        connecting: () => 'Live updates: connecting',
        open: () => 'Live updates: on',
        retrying: () => `Live updates: lost (${state.kind === 'retrying' ? state.why : ''}), reconnecting`,
        closed: () => 'Live updates: stopped',
      }[state.kind]();
      setText('live-connection', text);
      if (state.kind === 'closed' && state.status === 401)
        signOut('This API key was not accepted. Sign in again.');
      if (state.kind === 'closed' && state.status === 404)
        setText('event-error', 'This event no longer exists.');
    },
  });
}

/**
 * @param {NonNullable<typeof current>} open
 * @param {string} path
 */
async function catchUpTimeline(open, path) {
  for (let pages = 0; pages < 10 && current === open; pages += 1) {
    const after = view.lastTimelineId();
    const page = await api.request('GET', `${path}/timeline?limit=500${after ? `&after=${after}` : ''}`);
    if (current !== open) return;
    view.addTimeline(page.items);
    if (!page.nextCursor) return;
  }
}

function render() {
  if (!current) return;
  document.title = `${current.event.name} · Restream Relay`;
  view.render(current.event, current.shownKeys);
  renderRehearsal(current.rehearsal, current.event, view.names);
  const item = byId('event-list').querySelector(
    `[data-event-id="${CSS.escape(current.id)}"] .event-link-status`,
  );
  if (item) item.textContent = EVENT_STATUS[current.event.status] ?? current.event.status;
}

/** @param {string} role */
function rotateKey(role) {
  const open = current;
  if (!open) return;
  const ok = confirm(
    `Make a new ${role} stream key? An encoder publishing with the current key is cut at once.`,
  );
  if (!ok) return;
  void guarded('event-error', async () => {
    const event = await api.request('POST', `/v1/events/${open.id}/ingest/${role}/rotate-key`);
    open.event = event;
    const ingest = event.ingest[role];
    open.shownKeys[role] = { url: ingest.url, streamKey: ingest.streamKey };
    render();
  });
}

/**
 * @param {string} id
 * @param {string} name
 */
function removeDestination(id, name) {
  const open = current;
  if (!open || !confirm(`Remove the destination "${name}"? Its stream is closed.`)) return;
  void guarded('destination-error', async () => {
    await api.request('DELETE', `/v1/events/${open.id}/destinations/${id}`);
    open.event = await api.request('GET', `/v1/events/${open.id}`);
    render();
  });
}

/**
 * @param {string} formId
 * @param {(data: FormData, form: HTMLFormElement) => Promise<void>} handler
 */
function onSubmit(formId, handler) {
  const form = /** @type {HTMLFormElement} */ (byId(formId));
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button?.setAttribute('disabled', '');
    void handler(new FormData(form), form).finally(() => button?.removeAttribute('disabled'));
  });
}

onSubmit('sign-in-form', async (data, form) => {
  setText('sign-in-error', '');
  try {
    await signIn(String(data.get('apiKey') ?? '').trim());
    form.reset();
  } catch (error) {
    setText('sign-in-error', error instanceof Error ? error.message : String(error));
  }
});

onSubmit('create-event-form', (data, form) =>
  guarded('create-event-error', async () => {
    const event = await api.request('POST', '/v1/events', { name: String(data.get('name') ?? '') });
    form.reset();
    await loadEvents();
    await openEvent(event.id, event);
  }),
);

onSubmit('add-destination-form', (data, form) =>
  guarded('destination-error', async () => {
    const open = current;
    if (!open) return;
    const streamKey = String(data.get('streamKey') ?? '');
    await api.request('POST', `/v1/events/${open.id}/destinations`, {
      name: String(data.get('name') ?? ''),
      url: String(data.get('url') ?? '').trim(),
      ...(streamKey ? { streamKey } : {}),
    });
    form.reset();
    applyPlatform();
    open.event = await api.request('GET', `/v1/events/${open.id}`);
    render();
  }),
);

onSubmit('rehearsal-form', (data) =>
  guarded('rehearsal-error', async () => {
    const open = current;
    if (!open) return;
    const durationMs = Math.round(Number(data.get('seconds') ?? 30) * 1000);
    open.rehearsal = await api.request('POST', `/v1/events/${open.id}/rehearsals`, { durationMs });
    render();
  }),
);

function applyPlatform() {
  const platform = PLATFORMS[/** @type {HTMLSelectElement} */ (byId('destination-platform')).value];
  const name = /** @type {HTMLInputElement} */ (byId('destination-name'));
  const url = /** @type {HTMLInputElement} */ (byId('destination-url'));
  const presets = Object.values(PLATFORMS);
  if (platform && (name.value === '' || presets.some((p) => p.name === name.value)))
    name.value = platform.name;
  if (platform && (url.value === '' || presets.some((p) => p.url === url.value))) url.value = platform.url;
}

/** @param {string} id @param {string} path */
function onEventAction(id, path) {
  byId(id).addEventListener('click', () => {
    const open = current;
    if (!open) return;
    void guarded('event-error', async () => {
      open.event = await api.request('POST', `/v1/events/${open.id}/${path}`);
      render();
      await loadEvents();
    });
  });
}

onEventAction('start-event', 'start');
onEventAction('stop-event', 'stop');
byId('destination-platform').addEventListener('change', applyPlatform);
byId('sign-out').addEventListener('click', () => signOut());
byId('refresh-events').addEventListener('click', () => void guarded('create-event-error', loadEvents));
byId('hide-keys').addEventListener('click', () => {
  if (current) current.shownKeys = {};
  render();
});
// The rehearsal's progress bar moves between updates.
setInterval(() => {
  if (current?.rehearsal?.status === 'running') renderRehearsal(current.rehearsal, current.event, view.names);
}, 1000);

applyPlatform();
showSignedIn();
if (apiKey) {
  const key = apiKey;
  void signIn(key).catch((error) => signOut(error instanceof Error ? error.message : String(error)));
}

// @ts-check
/** The dashboard's entry point: session, event list and forms. */
import { createApi } from './api.js';
import { byId, el, guarded, setText } from './dom.js';
import { EventPage } from './event-page.js';
import { EVENT_STATUS } from './format.js';

const KEY_STORAGE = 'relay.apiKey';
/** @type {Record<string, { name: string, url: string }>} */
const PLATFORMS = {
  youtube: { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2' },
  twitch: { name: 'Twitch', url: 'rtmp://live.twitch.tv/app' },
  custom: { name: '', url: '' },
};
const REVOKED = 'Your API key is no longer accepted (revoked or expired). Sign in again.';

/** Kept in this tab's session storage only: gone when the tab closes. */
let apiKey = sessionStorage.getItem(KEY_STORAGE);
const getKey = () => apiKey;
const api = createApi(getKey, () => signOut(REVOKED));
const page = new EventPage(api, getKey, {
  onUnauthorized: () => signOut(REVOKED),
  onChange: (event) => {
    const item = byId('event-list').querySelector(
      `[data-event-id="${CSS.escape(event.id)}"] .event-link-status`,
    );
    if (item) item.textContent = EVENT_STATUS[event.status] ?? event.status;
  },
});

function showSignedIn() {
  byId('sign-in').hidden = apiKey !== null;
  byId('workspace').hidden = apiKey === null;
  byId('session').hidden = apiKey === null;
}

/** @param {string} key checked with a first call before it is kept */
async function signIn(key) {
  const events = await api.request('GET', '/v1/events?limit=50', undefined, key);
  apiKey = key;
  sessionStorage.setItem(KEY_STORAGE, key);
  showSignedIn();
  renderEventList(events.items);
  const fromHash = /^#event=([\w-]+)$/.exec(location.hash)?.[1];
  if (fromHash) await guarded('event-error', () => openEvent(fromHash));
}

/** @param {string} [message] shown on the sign-in form */
function signOut(message = '') {
  page.close();
  apiKey = null;
  sessionStorage.removeItem(KEY_STORAGE);
  byId('event-list').replaceChildren();
  history.replaceState(null, '', location.pathname);
  showSignedIn();
  setText('sign-in-error', message);
}

async function loadEvents() {
  renderEventList((await api.request('GET', '/v1/events?limit=50')).items);
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
            'aria-current': page.current?.id === event.id ? 'true' : undefined,
            onclick: () => void guarded('event-error', () => openEvent(event.id)),
          },
          el('span', { class: 'event-link-name' }, event.name),
          el('span', { class: 'event-link-status' }, EVENT_STATUS[event.status] ?? event.status),
        ),
      ),
    ),
  );
}

/**
 * @param {string} id
 * @param {any} [event]
 */
async function openEvent(id, event) {
  await page.open(id, event);
  history.replaceState(null, '', `#event=${encodeURIComponent(id)}`);
  for (const li of byId('event-list').children) {
    if (li.getAttribute('data-event-id') === id) li.firstElementChild?.setAttribute('aria-current', 'true');
    else li.firstElementChild?.removeAttribute('aria-current');
  }
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

/** Fills the name and server URL of the chosen platform, unless the user typed their own. */
function applyPlatform() {
  const platform = PLATFORMS[/** @type {HTMLSelectElement} */ (byId('destination-platform')).value];
  const name = /** @type {HTMLInputElement} */ (byId('destination-name'));
  const url = /** @type {HTMLInputElement} */ (byId('destination-url'));
  const presets = Object.values(PLATFORMS);
  if (platform && (name.value === '' || presets.some((p) => p.name === name.value)))
    name.value = platform.name;
  if (platform && (url.value === '' || presets.some((p) => p.url === url.value))) url.value = platform.url;
  applyProtocol();
}

/** An srt:// server: the stream key is the SRT streamid, and a passphrase may be given. */
function applyProtocol() {
  const srt = /^srt:\/\//i.test(/** @type {HTMLInputElement} */ (byId('destination-url')).value.trim());
  const passphrase = /** @type {HTMLInputElement} */ (byId('destination-passphrase'));
  passphrase.hidden = !srt;
  /** @type {HTMLElement} */ (document.querySelector('label[for=destination-passphrase]')).hidden = !srt;
  if (!srt) passphrase.value = '';
  /** @type {HTMLInputElement} */ (byId('destination-key')).placeholder = srt ? 'SRT streamid' : '';
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
  page.act('destination-error', async (path) => {
    const streamKey = String(data.get('streamKey') ?? '');
    const passphrase = String(data.get('passphrase') ?? '');
    await api.request('POST', `${path}/destinations`, {
      name: String(data.get('name') ?? ''),
      url: String(data.get('url') ?? '').trim(),
      ...(streamKey ? { streamKey } : {}),
      ...(passphrase ? { passphrase } : {}),
    });
    form.reset();
    applyPlatform();
  }),
);

onSubmit('rehearsal-form', (data) =>
  page.startRehearsal(Math.round(Number(data.get('seconds') ?? 30) * 1000)),
);

for (const [id, action] of [
  ['start-event', 'start'],
  ['stop-event', 'stop'],
]) {
  byId(id).addEventListener('click', () => {
    void page
      .act('event-error', (path) => api.request('POST', `${path}/${action}`))
      .then(() => guarded('create-event-error', loadEvents));
  });
}
byId('destination-platform').addEventListener('change', applyPlatform);
byId('destination-url').addEventListener('input', applyProtocol);
byId('sign-out').addEventListener('click', () => signOut());
byId('refresh-events').addEventListener('click', () => void guarded('create-event-error', loadEvents));
byId('hide-keys').addEventListener('click', () => page.hideKeys());

applyPlatform();
showSignedIn();
if (apiKey) {
  const key = apiKey;
  signIn(key).catch((error) => signOut(error instanceof Error ? error.message : String(error)));
}

// @ts-check
/**
 * Server-Sent Events over fetch(): EventSource cannot send an Authorization header.
 * Parsing follows the WHATWG HTML "Interpreting an event stream" rules (§9.2.6).
 */

/** @typedef {{ event: string, data: string, id: string }} SseFrame */

/** Feeds text chunks, calls `onFrame` for every complete frame (comments and empty data are skipped). */
export class SseParser {
  /** @param {(frame: SseFrame) => void} onFrame */
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.buffer = '';
    this.event = '';
    /** @type {string[]} */
    this.data = [];
    this.id = '';
  }

  /** @param {string} chunk decoded text */
  push(chunk) {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) return;
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) return;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  /** @param {string} line */
  line(line) {
    if (line === '') {
      if (this.data.length > 0)
        this.onFrame({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}

/** No byte for this long (keep-alives come every 15 s) means the connection is dead: reconnect. */
const SILENCE_TIMEOUT_MS = 45_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

/**
 * @typedef {object} StreamCallbacks
 * @property {() => void} onOpen the server answered 200: the first frames follow
 * @property {(frame: SseFrame) => void} onFrame
 * @property {(state: { kind: 'connecting' } | { kind: 'open' } | { kind: 'retrying', inMs: number, why: string }
 *   | { kind: 'closed', why: string, status: number }) => void} onState
 */

/**
 * Reads `url` as an event stream with `Authorization: Bearer <key>`, reconnecting with exponential backoff
 * (1 s doubling to 30 s, reset once a connection delivered a frame) until `close()`. Stops for good on
 * 401, 403 and 404 (signed out, or the event is gone).
 *
 * @param {string} url
 * @param {() => string | null} getKey
 * @param {StreamCallbacks} callbacks
 * @returns {{ close(): void }}
 */
export function openEventStream(url, getKey, callbacks) {
  let closed = false;
  let backoffMs = BACKOFF_MIN_MS;
  /** @type {AbortController | null} */
  let controller = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer;

  async function connect() {
    if (closed) return;
    controller = new AbortController();
    const abort = controller;
    callbacks.onState({ kind: 'connecting' });
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let silence;
    const armSilence = () => {
      clearTimeout(silence);
      silence = setTimeout(() => abort.abort(), SILENCE_TIMEOUT_MS);
    };
    let why = 'the connection ended';
    try {
      const key = getKey();
      const response = await fetch(url, {
        headers: { Accept: 'text/event-stream', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
        cache: 'no-store',
        signal: abort.signal,
      });
      if ([401, 403, 404].includes(response.status)) {
        closed = true;
        callbacks.onState({
          kind: 'closed',
          why: `the server answered ${response.status}`,
          status: response.status,
        });
        return;
      }
      if (!response.ok || !response.body) throw new Error(`the server answered ${response.status}`);
      callbacks.onOpen();
      callbacks.onState({ kind: 'open' });
      const parser = new SseParser((frame) => {
        backoffMs = BACKOFF_MIN_MS;
        callbacks.onFrame(frame);
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      armSilence();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armSilence();
        parser.push(value);
      }
    } catch (error) {
      why =
        abort.signal.aborted && !closed
          ? 'no data for 45 s'
          : String(error instanceof Error ? error.message : error);
    } finally {
      clearTimeout(silence);
    }
    if (closed) return;
    const inMs = Math.round(backoffMs * (0.8 + Math.random() * 0.4));
    backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
    callbacks.onState({ kind: 'retrying', inMs, why });
    retryTimer = setTimeout(() => void connect(), inMs);
  }

  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      controller?.abort();
    },
  };
}

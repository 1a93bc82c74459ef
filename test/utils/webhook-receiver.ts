import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link WebhookReceiver} got. */
export interface ReceivedWebhook {
  /** Request path, e.g. "/hooks/a". */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (what a signature covers). */
  readonly body: string;
  /** Status the receiver answered. */
  readonly status: number;
  readonly at: number;
}

/** A webhook receiver on loopback (node:http) that records every POST. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT`; append a path per endpoint, e.g. `${url}/a`. */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Requests to `path` so far. */
  to(path: string): ReceivedWebhook[];
  /** The next `count` requests to `path` are answered 500 (a receiver that fails for a while). */
  failNext(path: string, count: number): void;
  stop(): Promise<void>;
}

/** Bodies larger than this are cut off (a test receiver needs no more), bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/** Starts a receiver answering 200 `ok` to every request, except those {@link WebhookReceiver.failNext} fails. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const failures = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      const failing = failures.get(path) ?? 0;
      if (failing > 0) failures.set(path, failing - 1);
      const status = failing > 0 ? 500 : 200;
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status,
        at: Date.now(),
      });
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status === 200 ? 'ok' : 'receiver failing on purpose');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    to: (path) => received.filter((r) => r.path === path),
    failNext: (path, count) => void failures.set(path, count),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress, webhookUrlProblem } from '@relay/contracts';

/** Bytes of a receiver's answer kept (as text) for the delivery's `lastResponse`; the rest is discarded. */
export const RESPONSE_EXCERPT_BYTES = 512;

/** What a receiver answered. */
export interface WebhookResponse {
  statusCode: number;
  /** The first {@link RESPONSE_EXCERPT_BYTES} bytes of the body, as UTF-8. */
  excerpt: string;
}

/** A POST that got no HTTP answer (refused address, DNS, connection, timeout); `permanent`: no retry helps. */
export class WebhookSendError extends Error {
  override readonly name = 'WebhookSendError';

  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

/** dns.lookup that refuses private, loopback and link-local answers (checked on the address connected to). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    const allowed = addresses.filter((a) => !isPrivateAddress(a.address));
    if (allowed.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves to a private address`), {
        code: 'EPRIVATEADDRESS',
      });
      return callback(refused, '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
    const first = allowed[0]!;
    callback(null, first.address, first.family);
  });
};

/**
 * POSTs `body` to `url` with `headers`, following no redirect, and resolves with the status and a bounded
 * excerpt of the answer; any status counts as an answer (the caller judges it). Unless `allowPrivate`,
 * the URL must be https and every address connected to must be public (re-checked at connect time, so
 * a DNS answer changed since registration cannot reach a private address).
 *
 * @param timeoutMs the whole exchange, connect to last byte, ms
 * @throws WebhookSendError without an HTTP answer (never includes the body or headers)
 */
export function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<WebhookResponse> {
  const problem = webhookUrlProblem(url, options.allowPrivate);
  if (problem) return Promise.reject(new WebhookSendError(`url ${problem}`, true));
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    return Promise.reject(new WebhookSendError('url points to a private address', true));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    });
    const timer = setTimeout(() => {
      req.destroy(new WebhookSendError(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      if (error instanceof WebhookSendError) return reject(error);
      const code = (error as NodeJS.ErrnoException).code;
      reject(
        new WebhookSendError(code ? `${code}: ${error.message}` : error.message, code === 'EPRIVATEADDRESS'),
      );
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept >= RESPONSE_EXCERPT_BYTES) return;
        chunks.push(chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept));
        kept += Math.min(chunk.length, RESPONSE_EXCERPT_BYTES - kept);
        if (kept >= RESPONSE_EXCERPT_BYTES) res.destroy(); // the rest is not read
      });
      const done = (): void => {
        clearTimeout(timer);
        resolve({
          statusCode: res.statusCode ?? 0,
          excerpt: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/\uFFFD+$/, ''),
        });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.end(body);
  });
}

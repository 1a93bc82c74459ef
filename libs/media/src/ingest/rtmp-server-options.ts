import { ChunkLimits } from '../protocols/rtmp/rtmp-constants';
import type { PublishAuthorizer, PublishStartHandler } from './ingest-types';

/**
 * Where the ingest server writes its few log lines (publish start/end, refused or broken connections;
 * never one per packet). `fields` hold the session id, remote address, encoder, event id and role:
 * never a stream key.
 */
export interface IngestLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link RtmpIngestServer}. */
export interface RtmpIngestServerOptions {
  /** The one RTMP application publishers must connect to, e.g. 'live' (rtmp://host/live/<key>). */
  readonly app: string;
  /** Resolves a stream key to an event input; null refuses with NetStream.Publish.BadName. */
  readonly authorize: PublishAuthorizer;
  /** Called once per accepted publish; returns the sink of that session's tags. */
  readonly onPublish: PublishStartHandler;
  readonly logger: IngestLogger;
  /** Largest RTMP message accepted, in bytes (default 8 MiB). */
  readonly maxMessageLength?: number;
  /**
   * Time from accepting a connection until its publish is accepted (RTMP handshake, connect,
   * createStream, publish, authorizer), and after an unpublish until the next publish, in ms
   * (default 10 000).
   */
  readonly handshakeTimeoutMs?: number;
  /** A connection that sends nothing for this long is closed, in ms (default 30 000). */
  readonly idleTimeoutMs?: number;
  /** Most simultaneous connections; more are closed at once (default 256). */
  readonly maxConnections?: number;
}

/** {@link RtmpIngestServerOptions} with defaults applied. */
export type ResolvedIngestOptions = Required<RtmpIngestServerOptions>;

/**
 * Applies defaults and validates numbers.
 * @throws RangeError for a non-positive timeout, connection limit or message length above 16 MiB - 1
 */
export function resolveIngestOptions(options: RtmpIngestServerOptions): ResolvedIngestOptions {
  const resolved: ResolvedIngestOptions = {
    ...options,
    maxMessageLength: options.maxMessageLength ?? ChunkLimits.DefaultMaxMessageLength,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    maxConnections: options.maxConnections ?? 256,
  };
  const positive = ['maxMessageLength', 'handshakeTimeoutMs', 'idleTimeoutMs', 'maxConnections'] as const;
  for (const name of positive) {
    const v = resolved[name];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer`);
  }
  if (resolved.maxMessageLength > 0xffffff) throw new RangeError('maxMessageLength must be below 16 MiB');
  return resolved;
}

import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PublishTarget } from './ingest-types';
import {
  resolveIngestOptions,
  type ResolvedIngestOptions,
  type RtmpIngestServerOptions,
} from './rtmp-server-options';
import { PublishRefusalThrottle } from './publish-refusal-throttle';
import { RtmpSession, type SessionHost } from './rtmp-session';

/**
 * Server states; legal transitions:
 *   idle → starting → listening → stopping → stopped
 *   starting → idle      (listen failed)
 */
export type RtmpIngestServerState = 'idle' | 'starting' | 'listening' | 'stopping' | 'stopped';

/**
 * RTMP ingest server (RTMP spec 1.0): accepts publishers on one application, authorizes their stream
 * keys, and hands each accepted session's tags to the sink returned by `onPublish`.
 *
 * One publisher per target (`${eventId}:${role}`): a new publish on a target that is live replaces the
 * old session (its sink gets `onEnd('replaced')`, its socket is closed). Framework-free; no per-packet
 * logging or allocation beyond each message's payload and its tag object.
 */
export class RtmpIngestServer {
  private state: RtmpIngestServerState = 'idle';
  private server: Server | null = null;
  private readonly sessions = new Set<RtmpSession>();
  private readonly publishers = new Map<string, RtmpSession>();
  private readonly idPrefix = randomBytes(3).toString('hex');
  private nextId = 1;
  private readonly host: SessionHost;

  /** @throws RangeError for invalid numeric options (see {@link resolveIngestOptions}) */
  constructor(options: RtmpIngestServerOptions) {
    const resolved: ResolvedIngestOptions = resolveIngestOptions(options);
    this.host = {
      options: resolved,
      claim: (target, session) => {
        const key = targetKey(target);
        const previous = this.publishers.get(key);
        this.publishers.set(key, session);
        if (previous && previous !== session)
          previous.close('replaced', 'info', 'replaced by a new publisher');
      },
      release: (target, session) => {
        const key = targetKey(target);
        if (this.publishers.get(key) === session) this.publishers.delete(key);
      },
      closed: (session) => this.sessions.delete(session),
      refusals: new PublishRefusalThrottle(),
    };
  }

  /** Current state (see {@link RtmpIngestServerState}). */
  get currentState(): RtmpIngestServerState {
    return this.state;
  }

  /** Number of open connections (publishing or not). */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /**
   * Starts listening.
   * @param port TCP port; 0 picks a free one
   * @param host address to bind, e.g. '0.0.0.0' or '127.0.0.1'
   * @returns the bound port, once listening
   * @throws Error when not idle, or the listen error (EADDRINUSE...)
   */
  async start(port: number, host: string): Promise<number> {
    if (this.state !== 'idle') throw new Error(`RtmpIngestServer.start while ${this.state}`);
    this.state = 'starting';
    const server = createServer((socket) => this.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.state = 'idle';
      throw err;
    }
    server.on('error', (err) =>
      this.host.options.logger.warn('rtmp ingest: listener error', { error: err.message }),
    );
    this.server = server;
    this.state = 'listening';
    return (server.address() as AddressInfo).port;
  }

  /**
   * Stops accepting, closes every connection (publishing sinks get `onEnd('disconnected')`), and resolves
   * once the listener is closed. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.state !== 'listening') return;
    this.state = 'stopping';
    const server = this.server!;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const session of [...this.sessions]) session.close('disconnected', 'info', 'server stopping');
    await closed;
    this.server = null;
    this.state = 'stopped';
  }

  /**
   * Ends the session publishing `target`, if any (e.g. its stream key was revoked): its sink gets
   * `onEnd('kicked')` and its socket is closed.
   * @returns whether a session was kicked
   */
  kick(target: PublishTarget): boolean {
    const session = this.publishers.get(targetKey(target));
    if (!session) return false;
    session.close('kicked', 'info', 'kicked');
    return true;
  }

  /** Whether a session is publishing (or replacing one) for `target`. */
  isLive(target: PublishTarget): boolean {
    return this.publishers.has(targetKey(target));
  }

  private accept(socket: Socket): void {
    if (this.state !== 'listening' || this.sessions.size >= this.host.options.maxConnections) {
      this.host.options.logger.warn('rtmp ingest: connection refused: too many connections', {
        remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      });
      socket.destroy();
      return;
    }
    const session = new RtmpSession(`${this.idPrefix}-${this.nextId++}`, socket, this.host);
    this.sessions.add(session);
  }
}

/** Registry key of a target: `${eventId}:${role}`. */
function targetKey(target: PublishTarget): string {
  return `${target.eventId}:${target.role}`;
}

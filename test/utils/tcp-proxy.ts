import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy started by {@link startTcpProxy}. */
export interface TestTcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections the proxy cut (after `cutAfterMs`). */
  cuts(): number;
  /** Closes the listener and every open connection. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** Where to forward, on 127.0.0.1. */
  readonly targetPort: number;
  /**
   * Cut every connection this long after it was accepted (ms): both sides are destroyed at once, so the
   * client sees the destination drop the connection (a platform that accepts the stream, then drops it).
   */
  readonly cutAfterMs: number;
}

/**
 * Listens on a free loopback port and forwards each connection to `127.0.0.1:targetPort`, cutting it
 * after `cutAfterMs`: a destination that accepts then drops the connection every N seconds.
 */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TestTcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let cut = 0;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect({ host: '127.0.0.1', port: options.targetPort });
    open.add(client);
    open.add(upstream);
    const timer = setTimeout(() => {
      cut++;
      client.destroy();
      upstream.destroy();
    }, options.cutAfterMs);
    const close = (): void => {
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tcp proxy: no port');
  let stopped: Promise<void> | null = null;
  return {
    port: address.port,
    connections: () => accepted,
    cuts: () => cut,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

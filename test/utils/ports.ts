import { createServer } from 'node:net';

// Ports handed out by this process. The kernel may hand the same ephemeral port out twice in a row once the
// probe socket is closed; remembering them keeps two servers in one test file from colliding.
const handedOut = new Set<number>();

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on at the time of the call and that this process has not
 * handed out before. Another process may still take it before the caller binds it, so servers started on it
 * should fail loudly ("address in use") rather than hang.
 *
 * @returns a port number in the kernel's ephemeral range.
 * @throws Error when no unused port is found after 50 attempts.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOnce(0);
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('freePort: no unused port on 127.0.0.1 after 50 attempts');
}

/**
 * Several distinct free ports on 127.0.0.1 (see {@link freePort}).
 *
 * @param count how many ports to return.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}

/**
 * Whether `port` can be bound on 127.0.0.1 right now.
 *
 * @param port TCP port number.
 */
export async function isPortFree(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}

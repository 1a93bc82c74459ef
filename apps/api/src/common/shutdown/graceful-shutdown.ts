import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';

/** Options of {@link installGracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** Longest wait for requests in flight to finish, ms; then their connections are closed. */
  drainTimeoutMs: number;
  /** Longest wait for the modules to close (database pool, queue connections), ms. */
  closeTimeoutMs: number;
  logger: LoggerService;
}

/**
 * SIGTERM and SIGINT drain the HTTP server before the application closes: the listener stops taking new
 * connections, idle keep-alive connections are closed, requests in flight are answered (with
 * `Connection: close`), and only then are the modules closed (database pool, Redis), at most
 * `closeTimeoutMs` later, and the process exits with 0. A second signal exits at once with 1.
 *
 * Replaces `app.enableShutdownHooks()`, whose `close()` destroys the modules (and so the database pool)
 * before it stops the HTTP server, failing the requests in flight. Call before `app.listen()`, so that the
 * request counter runs ahead of the routes.
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): void {
  const inFlight = new Set<Response>();
  let draining = false;
  let onIdle: (() => void) | undefined;

  app.use((_request: Request, response: Response, next: NextFunction) => {
    inFlight.add(response);
    if (draining) response.setHeader('Connection', 'close');
    const done = (): void => {
      if (inFlight.delete(response) && inFlight.size === 0) onIdle?.();
    };
    response.once('finish', done);
    response.once('close', done);
    next();
  });

  const drain = async (signal: NodeJS.Signals): Promise<void> => {
    draining = true;
    const server = app.getHttpServer() as Server;
    options.logger.log(`${signal}: no new connections; draining ${inFlight.size} request(s) in flight`);
    // Their connections close once answered, so keep-alive clients reconnect to another instance.
    for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
    // Event streams never end by themselves: end them now (their clients reconnect elsewhere).
    for (const response of inFlight) if (isEventStream(response)) response.end();
    server.close(); // also closes idle keep-alive connections (Node ≥ 19)
    const idle = new Promise<boolean>((resolve) => {
      if (inFlight.size === 0) return resolve(true);
      onIdle = () => resolve(true);
    });
    const drained = await Promise.race([idle, delay(options.drainTimeoutMs).then(() => false)]);
    if (!drained) {
      options.logger.warn(
        `${inFlight.size} request(s) still running after ${options.drainTimeoutMs} ms; closing them`,
      );
    }
    server.closeAllConnections();
    const closed = await Promise.race([
      app.close().then(() => true),
      delay(options.closeTimeoutMs).then(() => false),
    ]);
    if (!closed) options.logger.warn(`Modules did not close within ${options.closeTimeoutMs} ms`);
    options.logger.log('Stopped');
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (draining) {
      options.logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    drain(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        options.logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function isEventStream(response: Response): boolean {
  return String(response.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

/** Resolves after `ms`; the process exits right after the drain, so the timer needs no clearing. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

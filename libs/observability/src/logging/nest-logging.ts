import { Logger as PinoNestLogger, PinoLogger, type Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import { createAppLogger, type AppLoggerOptions } from './app-logger';
import { requestLoggingOptions } from './request-logging';

/** The logging of one process: its root pino logger, the nestjs-pino module parameters, a Nest logger. */
export interface AppLogging {
  /** Root pino logger (redaction and scrubbing configured). */
  readonly root: Logger;
  /** For `LoggerModule.forRoot(params)`; the same root logger, with request logging when `http`. */
  readonly params: Params;
  /**
   * A Nest `LoggerService` writing through {@link root}: give it to `Logger.overrideLogger()` first thing
   * in main.ts so lines logged before Nest boots (Redis check, migrations) are JSON too.
   */
  readonly nestLogger: PinoNestLogger;
}

/**
 * Logging for the API (`http: true`: pino-http request lines and request ids, see
 * {@link requestLoggingOptions}) or the relay (no HTTP). Call once per process: nestjs-pino keeps one
 * root logger per process, the first it is given. Register `LoggerModule.forRoot(logging.params)` and,
 * once the app exists, `app.useLogger(app.get(Logger))` (nestjs-pino's `Logger`).
 */
export function createAppLogging(options: AppLoggerOptions & { http: boolean }): AppLogging {
  const root = createAppLogger(options);
  const params: Params = {
    pinoHttp: options.http ? requestLoggingOptions(root) : { logger: root, autoLogging: false },
  };
  return { root, params, nestLogger: new PinoNestLogger(new PinoLogger(params), params) };
}

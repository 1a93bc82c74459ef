import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyStream } from './pretty-stream';
import { REDACTED, redactPaths } from './redaction';
import { scrubSecrets } from './secret-scrubber';

/** The service a log line comes from (`service` field). */
export type LoggedService = 'api' | 'relay';

/** `LOG_LEVEL` values (Nest's names), most severe first. */
export type AppLogLevel = 'error' | 'warn' | 'log' | 'debug';

/** `LOG_FORMAT` values: one JSON object per line (default), or readable text for development. */
export type AppLogFormat = 'json' | 'pretty';

/** pino level for each `LOG_LEVEL`: Nest's `log` is pino's `info`; Nest's `verbose` (trace) is never on. */
export const PINO_LEVEL: Readonly<Record<AppLogLevel, 'error' | 'warn' | 'info' | 'debug'>> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
};

/** Options of {@link createAppLogger}. */
export interface AppLoggerOptions {
  service: LoggedService;
  level: AppLogLevel;
  /** Default `json`. */
  format?: AppLogFormat;
  /** Where lines go; default stdout, written synchronously so nothing is lost on exit. */
  destination?: { write(text: string): unknown };
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const EVENT_ID_IN_TEXT = new RegExp(`\\b[Ee]vent(?:Id)?"?\\s*[:=]?\\s*"?(${UUID})`);

/**
 * The event a message is about, from the relay's message convention `Event <uuid>: …` (or an
 * `"eventId":"<uuid>"` quoted in it); undefined when it names none.
 */
export function eventIdInMessage(message: string): string | undefined {
  return EVENT_ID_IN_TEXT.exec(message)?.[1];
}

/**
 * Adds `eventId` to a log call's merge object when its message names an event and the object has none,
 * so every relay line about an event can be filtered by the field without touching its call sites.
 */
function withEventId(args: unknown[]): unknown[] {
  const [first, second] = args;
  const message = typeof first === 'string' ? first : typeof second === 'string' ? second : undefined;
  const eventId = message === undefined ? undefined : eventIdInMessage(message);
  if (eventId === undefined) return args;
  if (typeof first === 'string') return [{ eventId }, ...args];
  if (first instanceof Error) return [{ err: first, eventId }, ...args.slice(1)];
  if (first !== null && typeof first === 'object' && !('eventId' in first)) {
    return [{ ...first, eventId }, ...args.slice(1)];
  }
  return args;
}

/**
 * pino options shared by the API and the relay: one JSON object per line with `level` (label), `time`
 * (ISO 8601 UTC), `service`, then the call's fields (`context`, `eventId`, `requestId`…) and `msg`.
 * Secrets are removed here, never at call sites: known secret fields are redacted by path
 * ({@link redactPaths}), and the whole serialized line, messages and error stacks included, is passed
 * through {@link scrubSecrets} before it is written.
 */
export function appLoggerOptions(service: LoggedService, level: AppLogLevel): LoggerOptions {
  return {
    level: PINO_LEVEL[level],
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: REDACTED },
    serializers: { err: pino.stdSerializers.err },
    hooks: {
      logMethod(inputArgs, method) {
        const args = withEventId(inputArgs) as Parameters<typeof method>;
        method.apply(this, args);
      },
      streamWrite: scrubSecrets,
    },
  };
}

/**
 * The process's root pino logger (see {@link appLoggerOptions}); `format: 'pretty'` rewrites each line
 * as text after redaction. Writes synchronously: log lines are few (none per media packet).
 */
export function createAppLogger(options: AppLoggerOptions): Logger {
  const destination: DestinationStream =
    options.format === 'pretty'
      ? prettyStream(options.destination)
      : options.destination
        ? { write: (line: string) => void options.destination?.write(line) }
        : pino.destination({ dest: 1, sync: true });
  return pino(appLoggerOptions(options.service, options.level), destination);
}

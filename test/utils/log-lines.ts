/** One log line of the API or the relay (README "Logs"), parsed. */
export interface LogRecord {
  level: string;
  time: string;
  service: string;
  msg: string;
  context?: string;
  requestId?: string;
  eventId?: string;
  [field: string]: unknown;
}

/** `line` parsed as a JSON log record, or null when it is not one (not JSON, or no level/time/msg). */
export function parseLogLine(line: string): LogRecord | null {
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== 'object') return null;
    const record = value as Partial<LogRecord>;
    const ok =
      typeof record.level === 'string' && typeof record.time === 'string' && typeof record.msg === 'string';
    return ok ? (record as LogRecord) : null;
  } catch {
    return null;
  }
}

/** The `msg` of each line (the line itself when it is not JSON), for regexes written against messages. */
export function logMessages(lines: string[]): string[] {
  return lines.map((line) => parseLogLine(line)?.msg ?? line);
}

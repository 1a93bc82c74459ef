import type { DestinationStream } from 'pino';

const SHOWN = new Set(['time', 'level', 'service', 'context', 'msg']);

/**
 * One JSON log line as readable text: `HH:MM:SS.mmm LEVEL [service] [context] msg key=value…`.
 * A line that is not a JSON object is returned as is (trimmed). Pure.
 */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return json.trimEnd();
    record = parsed as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const level = typeof record.level === 'string' ? record.level.toUpperCase().padEnd(5) : '';
  const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
  const head = [time, level, `[${text(record.service)}]`];
  if (record.context !== undefined) head.push(`[${text(record.context)}]`);
  if (record.msg !== undefined) head.push(text(record.msg));
  const extra = Object.entries(record)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${text(value)}`);
  return [...head, ...extra].join(' ');
}

/**
 * A pino destination for `LOG_FORMAT=pretty` (development): every line, already redacted and scrubbed
 * by the logger, rewritten by {@link prettyLine} and written synchronously to `out` (default stdout).
 * Needs no dependency (pino-pretty is not installed).
 */
export function prettyStream(out: { write(text: string): unknown } = process.stdout): DestinationStream {
  return { write: (line: string) => void out.write(`${prettyLine(line)}\n`) };
}

import type { InputRole } from '@relay/contracts';
import type { Prisma, TimelineType } from '@relay/prisma';
import type { TimelineEntryRecord } from './timeline.repository';

/**
 * One timeline entry in REST API v1 (`GET /v1/events/:id/timeline`). Relied on outside the project:
 * extend it, never change a field's meaning.
 */
export interface TimelineEntryJson {
  /** The entry's id (a 64-bit integer) as a decimal string; ids grow with time within an event. */
  id: string;
  /** When it happened, ISO 8601 UTC. */
  at: string;
  type: TimelineType;
  /** The input concerned; omitted when none. */
  input?: InputRole;
  /** The destination (leg) concerned; omitted when none. */
  destinationId?: string;
  /** Type-specific facts as stored, e.g. `{ "reason": "…" }`; `{}` when none. */
  detail: Prisma.JsonValue;
}

/** A page of the timeline, oldest first; `nextCursor` is the `after` of the next page, or null at the end. */
export interface TimelinePageJson {
  items: TimelineEntryJson[];
  nextCursor: string | null;
}

/** Renders a stored entry as {@link TimelineEntryJson}. */
export function presentTimelineEntry(entry: TimelineEntryRecord): TimelineEntryJson {
  return {
    id: entry.id.toString(),
    at: entry.at.toISOString(),
    type: entry.type,
    ...(entry.input !== null ? { input: entry.input } : {}),
    ...(entry.destinationId !== null ? { destinationId: entry.destinationId } : {}),
    detail: entry.detail,
  };
}

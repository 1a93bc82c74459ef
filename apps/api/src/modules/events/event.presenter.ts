import type { EventJson, IngestJson, InputMediaInfo, InputRole } from '@relay/contracts';
import { compareInputs } from '@relay/media';
import type { EventRecord } from './events.repository';
import { maskedIngestKey } from './ingest-stream-key';
import { presentFailover } from './failover-settings.mapper';
import { presentDestination, presentEventLegPolicy } from './leg-policy.mapper';

/**
 * Renders an event as the REST API v1 event JSON. Ingest stream keys are masked except those in
 * `shownKeys` (just created or rotated: the only moments the API has them in clear).
 */
export function presentEvent(
  event: EventRecord,
  ingestServerUrl: string,
  shownKeys: Partial<Record<InputRole, string>> = {},
): EventJson {
  const ingest = (role: InputRole): IngestJson => {
    const found = event.ingests.find((i) => i.role === role);
    const shown = shownKeys[role];
    const streamKey = shown ?? maskedIngestKey(found?.streamKeyHint ?? null);
    return {
      serverUrl: ingestServerUrl,
      streamKey,
      url: `${ingestServerUrl}/${streamKey}`,
      streamKeyShown: shown !== undefined,
      state: found?.state ?? 'offline',
      media: (found?.media ?? null) as InputMediaInfo | null,
    };
  };
  const primary = ingest('primary');
  const backup = ingest('backup');
  return {
    id: event.id,
    name: event.name,
    status: event.status,
    statusReason: event.statusReason,
    activeInput: event.activeInput,
    slate:
      event.slateSince && event.slateEndsAt
        ? { since: event.slateSince.toISOString(), endsAt: event.slateEndsAt.toISOString() }
        : null,
    failover: presentFailover(event),
    legPolicy: presentEventLegPolicy(event),
    ingest: { primary, backup },
    destinations: event.destinations.map((d) => presentDestination(d, event)),
    warnings: primary.media && backup.media ? compareInputs(primary.media, backup.media) : [],
    createdAt: event.createdAt.toISOString(),
    updatedAt: event.updatedAt.toISOString(),
  };
}

import type { EventJson, IngestJson, InputRole } from '@relay/contracts';
import { maskStreamKey } from '@relay/media';
import type { EventRecord } from './events.repository';
import { presentFailover } from './failover-settings.mapper';

/** Renders an event as the REST API v1 event JSON. */
export function presentEvent(event: EventRecord, ingestServerUrl: string): EventJson {
  const ingest = (role: InputRole): IngestJson => {
    const found = event.ingests.find((i) => i.role === role);
    const streamKey = found?.streamKey ?? '';
    return {
      serverUrl: ingestServerUrl,
      streamKey,
      url: `${ingestServerUrl}/${streamKey}`,
      state: found?.state ?? 'offline',
    };
  };
  return {
    id: event.id,
    name: event.name,
    status: event.status,
    activeInput: event.activeInput,
    failover: presentFailover(event),
    ingest: { primary: ingest('primary'), backup: ingest('backup') },
    destinations: event.destinations.map((d) => ({
      id: d.id,
      name: d.name,
      url: d.url,
      streamKeyMasked: maskStreamKey(d.streamKey),
      state: d.state,
      restarts: d.restarts,
    })),
    createdAt: event.createdAt.toISOString(),
    updatedAt: event.updatedAt.toISOString(),
  };
}

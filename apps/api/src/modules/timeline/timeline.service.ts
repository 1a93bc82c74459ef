import { Injectable } from '@nestjs/common';
import { EventsService } from '../events/events.service';
import { presentTimelineEntry, type TimelinePageJson } from './timeline.presenter';
import { parseTimelineAfter, parseTimelineLimit } from './timeline-query';
import { TimelineRepository } from './timeline.repository';

/** What happened during an event (written by the API and the relay), read page by page, oldest first. */
@Injectable()
export class TimelineService {
  constructor(
    private readonly events: EventsService,
    private readonly timeline: TimelineRepository,
  ) {}

  /**
   * One page of the event's timeline: the entries after `query.after` (an entry id), at most
   * `query.limit` (default 100, max 500), ascending by id. To follow a live event, pass the last item's
   * id as `after` again later.
   *
   * @throws ApiError validation_failed (400) for a bad `limit` or `after`; not_found (404) when the event
   *   does not exist or belongs to another organization.
   */
  async page(
    organizationId: string,
    eventId: string,
    query: { limit?: string; after?: string },
  ): Promise<TimelinePageJson> {
    const limit = parseTimelineLimit(query.limit);
    const after = parseTimelineAfter(query.after);
    await this.events.get(organizationId, eventId);
    // One extra row tells whether another page follows, without a count query.
    const entries = await this.timeline.listAfter(eventId, after, limit + 1);
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(presentTimelineEntry),
      nextCursor: entries.length > limit && last ? last.id.toString() : null,
    };
  }
}

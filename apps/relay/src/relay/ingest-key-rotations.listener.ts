import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { EventChangeSubscriber } from '@relay/queue';
import { IngestService } from './ingest.service';

/**
 * Cuts, on every relay, a publisher still using an ingest stream key that was just rotated. The API's
 * `sync` job reaches only the event's owner, but the old key's encoder may be connected to another
 * relay (an event not on air has no owner). The rotation is announced on the event changes channel with
 * the cause `ingest_key_rotated`; a relay without a publisher of that event does nothing.
 */
@Injectable()
export class IngestKeyRotationsListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Ingest');
  private readonly subscriber: EventChangeSubscriber;

  constructor(
    config: EnvironmentVariables,
    private readonly ingest: IngestService,
  ) {
    this.subscriber = new EventChangeSubscriber(config.REDIS_URL, new Logger('EventChanges'));
  }

  onModuleInit(): void {
    this.subscriber.start(({ eventId, cause }) => {
      if (cause === 'ingest_key_rotated') void this.revalidate(eventId);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber.stop();
  }

  private async revalidate(eventId: string): Promise<void> {
    try {
      await this.ingest.revalidatePublishers(eventId);
    } catch (error) {
      // The owner's sync job checks again; a publisher elsewhere is cut at its next reconnect.
      this.logger.warn(
        `Event ${eventId}: publishers' stream keys not checked after a rotation ` +
          `(${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}

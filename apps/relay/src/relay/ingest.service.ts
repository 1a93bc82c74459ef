import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import { RtmpIngestServer, type PublishTarget } from '@relay/media';
import { PipelinesService } from './pipelines.service';
import { RelayRepository } from './relay.repository';

/** RTMP application name encoders publish to: rtmp://host:port/live/<stream key>. */
export const INGEST_APP = 'live';

/** The RTMP ingest listener of this relay process, wired to the event pipelines. */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  private readonly server: RtmpIngestServer;

  constructor(
    private readonly config: EnvironmentVariables,
    private readonly repository: RelayRepository,
    private readonly pipelines: PipelinesService,
  ) {
    this.server = new RtmpIngestServer({
      app: INGEST_APP,
      authorize: (_app, streamKey) => this.authorize(streamKey),
      onPublish: (target, session) => this.pipelines.openInput(target, session),
      logger: {
        info: (message, fields) => this.logger.log(withFields(message, fields)),
        warn: (message, fields) => this.logger.warn(withFields(message, fields)),
      },
    });
    this.pipelines.onEventDeleted((eventId) => {
      this.server.kick({ eventId, role: 'primary' });
      this.server.kick({ eventId, role: 'backup' });
    });
  }

  /** Starts listening on RTMP_PORT; resolves with the bound port. */
  async listen(): Promise<number> {
    const port = await this.server.start(this.config.RTMP_PORT, this.config.BIND_HOST);
    this.logger.log(`RTMP ingest listening on ${this.config.BIND_HOST}:${port}, app "${INGEST_APP}"`);
    return port;
  }

  /** Ends a publishing session, e.g. when its event is deleted. */
  kick(target: PublishTarget): void {
    this.server.kick(target);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.stop();
  }

  private async authorize(streamKey: string): Promise<PublishTarget | null> {
    const found = await this.repository.findIngestByStreamKey(streamKey);
    if (!found) return null;
    this.pipelines.ensure(found.eventId, found.settings);
    return { eventId: found.eventId, role: found.role };
  }
}

function withFields(message: string, fields?: Record<string, unknown>): string {
  return fields ? `${message} ${JSON.stringify(fields)}` : message;
}

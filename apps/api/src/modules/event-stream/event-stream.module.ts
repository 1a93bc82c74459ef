import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RehearsalsRepository } from '../rehearsals/rehearsals.repository';
import { TimelineRepository } from '../timeline/timeline.repository';
import { EventChangesHub } from './event-changes.hub';
import { EventStreamController } from './event-stream.controller';
import { EventStreamRepository } from './event-stream.repository';
import { EventStreamService } from './event-stream.service';

/** `GET /v1/events/:id/stream`, the live status stream dashboards read. */
@Module({
  imports: [EventsModule],
  controllers: [EventStreamController],
  providers: [
    EventStreamService,
    EventChangesHub,
    EventStreamRepository,
    // Stateless readers of the rehearsals and timeline modules, shared as they are.
    RehearsalsRepository,
    TimelineRepository,
  ],
  exports: [EventStreamService],
})
export class EventStreamModule {}

import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { TimelineController } from './timeline.controller';
import { TimelineRepository } from './timeline.repository';
import { TimelineService } from './timeline.service';

/** The event timeline route; event lookup and organization scoping come from EventsModule. */
@Module({
  imports: [EventsModule],
  controllers: [TimelineController],
  providers: [TimelineService, TimelineRepository],
})
export class TimelineModule {}

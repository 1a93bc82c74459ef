import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { StreamKeyMigration } from './stream-key-migration';

@Module({
  controllers: [EventsController],
  providers: [EventsService, EventsRepository, StreamKeyMigration],
  exports: [EventsService],
})
export class EventsModule {}

import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RehearsalsController } from './rehearsals.controller';
import { RehearsalsRepository } from './rehearsals.repository';
import { RehearsalsService } from './rehearsals.service';

@Module({
  imports: [EventsModule],
  controllers: [RehearsalsController],
  providers: [RehearsalsService, RehearsalsRepository],
})
export class RehearsalsModule {}

import { BullModule } from '@nestjs/bullmq';
import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { httpMetricsMiddleware } from '@relay/observability';
import { QueueName } from '@relay/queue';
import { ApiMetricsService } from './api-metrics.service';
import { MetricsController } from './metrics.controller';

/**
 * `GET /metrics` and the HTTP duration middleware on every route. Registers every queue of QueueName
 * (producers only, no workers) so their depth is read from this process too.
 */
@Module({
  imports: [BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name })))],
  controllers: [MetricsController],
  providers: [ApiMetricsService],
})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: ApiMetricsService) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetricsMiddleware(this.metrics.httpDuration)).forRoutes('*');
  }
}

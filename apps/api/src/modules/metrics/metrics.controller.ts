import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ApiMetricsService } from './api-metrics.service';

/** `GET /metrics` of the API, Prometheus text format. No auth: serve it on an internal network only. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ApiMetricsService) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}

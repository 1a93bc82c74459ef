import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { ApiMetricsService } from './api-metrics.service';

/** `GET /metrics` of the API, Prometheus text format. No auth: serve it on an internal network only. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ApiMetricsService) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}

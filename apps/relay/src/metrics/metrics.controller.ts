import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { RelayMetricsService } from './relay-metrics.service';

/** `GET /metrics` of the relay, Prometheus text format. No auth: serve it on an internal network only. */
@Controller()
export class RelayMetricsController {
  constructor(private readonly metrics: RelayMetricsService) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}

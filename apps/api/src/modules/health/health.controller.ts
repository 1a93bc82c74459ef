import { Controller, Get } from '@nestjs/common';

/** Liveness: answers once the API serves (migrations applied, HTTP listening). No auth. */
@Controller()
export class HealthController {
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  databaseCheck,
  jobQueueCheck,
  runReadinessChecks,
  type ReadinessCheck,
  type ReadyBody,
} from '@relay/observability';
import { PrismaService } from '@relay/prisma';
import { RedisAvailability } from '@relay/queue';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { ApiErrors } from '../../openapi/api-error.schema';
import { HealthSchema, ReadinessSchema } from '../../openapi/resources.schema';

/** Liveness and readiness probes. No auth. The relay answers the same JSON (libs/observability health). */
@ApiTags('health')
@Controller()
export class HealthController {
  private readonly checks: readonly ReadinessCheck[];

  constructor(prisma: PrismaService, redis: RedisAvailability) {
    this.checks = [databaseCheck(prisma), jobQueueCheck(redis)];
  }

  /**
   * Liveness: answers once the API serves (migrations applied, HTTP listening), whatever its dependencies
   * do; restarting the API would not bring a database back.
   */
  @ApiOperation({ summary: 'Liveness: the API serves' })
  @ApiOkResponse({ type: HealthSchema })
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 `{status:'ok', checks:{database:'ok', redis:'ok'}}` when PostgreSQL answers `SELECT 1`
   * within 2 s and Redis is connected; otherwise 503 `service_unavailable` naming what is away, one detail
   * per failing check (a load balancer stops sending traffic, an operator sees why).
   */
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer' })
  @ApiOkResponse({ type: ReadinessSchema })
  @ApiErrors(503)
  @Get('readyz')
  async ready(): Promise<ReadyBody> {
    const readiness = await runReadinessChecks(this.checks);
    if (!readiness.ready)
      throw new ApiError(ApiErrorCode.ServiceUnavailable, readiness.message, readiness.details);
    return readiness.body;
  }
}

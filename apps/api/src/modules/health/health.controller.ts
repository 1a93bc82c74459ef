import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@relay/prisma';
import { RedisAvailability } from '@relay/queue';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { ApiErrors } from '../../openapi/api-error.schema';
import { HealthSchema, ReadinessSchema } from '../../openapi/resources.schema';

/** What /readyz reports when every dependency answers. */
export interface ReadinessJson {
  status: 'ok';
  database: 'up';
  jobQueue: 'up';
}

/** Liveness and readiness probes. No auth. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisAvailability,
  ) {}

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
   * Readiness: 200 when PostgreSQL answers `SELECT 1` within 2 s and Redis is connected; otherwise 503
   * `service_unavailable` naming what is away (a load balancer stops sending traffic, an operator sees why).
   */
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer' })
  @ApiOkResponse({ type: ReadinessSchema })
  @ApiErrors(503)
  @Get('readyz')
  async ready(): Promise<ReadinessJson> {
    const away: string[] = [];
    const database = await this.prisma.checkReachable().then(
      () => true,
      () => false,
    );
    if (!database) away.push('the database (PostgreSQL)');
    if (!this.redis.available) away.push('the job queue (Redis)');
    if (away.length > 0) {
      throw new ApiError(
        ApiErrorCode.ServiceUnavailable,
        `Not ready: ${away.join(' and ')} ${away.length > 1 ? 'are' : 'is'} unavailable`,
      );
    }
    return { status: 'ok', database: 'up', jobQueue: 'up' };
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import {
  databaseCheck,
  jobQueueCheck,
  READINESS_RETRY_AFTER_SECONDS,
  runReadinessChecks,
  type ReadyBody,
  type ReadinessCheck,
} from '@relay/observability';
import { PrismaService } from '@relay/prisma';
import { RedisAvailability } from '@relay/queue';
import type { Response } from 'express';
import { IngestService } from '../relay/ingest.service';
import { FfmpegCheck } from './ffmpeg-check';

/** Liveness and readiness probes of the relay, in the API's JSON form (see libs/observability health). */
@Controller()
export class RelayHealthController {
  private readonly checks: readonly ReadinessCheck[];

  constructor(prisma: PrismaService, redis: RedisAvailability, ffmpeg: FfmpegCheck, ingest: IngestService) {
    this.checks = [
      databaseCheck(prisma),
      jobQueueCheck(redis),
      { name: 'ffmpeg', label: 'ffmpeg', run: () => ffmpeg.check() },
      {
        name: 'ingest',
        label: 'the RTMP ingest',
        run: () => Promise.resolve(ingest.listening ? null : 'port not bound'),
      },
    ];
  }

  /** Liveness: the process serves HTTP. Its dependencies do not matter: a restart would not fix them. */
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when PostgreSQL answers, Redis is connected, ffmpeg is present and the RTMP port is
   * bound; otherwise 503 `service_unavailable` naming each failing check, with `Retry-After`.
   */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadyBody | object> {
    const readiness = await runReadinessChecks(this.checks);
    if (readiness.ready) return readiness.body;
    res.status(503).setHeader('Retry-After', READINESS_RETRY_AFTER_SECONDS);
    return {
      error: { code: 'service_unavailable', message: readiness.message, details: readiness.details },
    };
  }
}

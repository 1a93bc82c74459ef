import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@relay/config';
import { createAppLogging, scrubSecrets } from '@relay/observability';
import { applyMigrations, findMigrationsDir, MigrationError } from '@relay/prisma';
import { assertRedisFitForQueues, RedisStartupError } from '@relay/queue';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { IngestService } from './relay/ingest.service';
import { reapOrphanLegs } from './relay/orphan-legs';
import { OwnershipService } from './relay/ownership.service';
import { RelayModule } from './relay.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  process.title = 'restream-relay';
  // JSON lines with secrets redacted (README "Logs"), from the first line on.
  const logging = createAppLogging({
    service: 'relay',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    http: false,
  });
  Logger.overrideLogger(logging.nestLogger);
  // Before anything else: a Redis that evicts keys would lose jobs later, silently.
  await assertRedisFitForQueues(config.REDIS_URL, { logger: new Logger('Redis') });
  // The relay may start before the API on a new database: whichever comes first migrates it, under
  // Prisma's advisory lock, and the other finds it current.
  await applyMigrations(config.DATABASE_URL, findMigrationsDir(__dirname), new Logger('Migrations'));
  const app = await NestFactory.create(RelayModule.forRoot(config, logging.params), {
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  // ffmpeg legs of a relay that was killed exit when their stdin closes; any left are stale pushes.
  const reaped = reapOrphanLegs(config.FFMPEG_PATH);
  if (reaped > 0) new Logger('Relay').warn(`Stopped ${reaped} ffmpeg leg(s) left by a relay that died`);
  // /metrics, /healthz and /readyz (RelayModule); /readyz says 503 until the ingest port is bound.
  await app.listen(config.RELAY_HTTP_PORT, config.BIND_HOST);
  new Logger('Relay').log(
    `Relay HTTP (metrics, health) on http://${config.BIND_HOST}:${config.RELAY_HTTP_PORT}`,
  );
  await app.get(IngestService).listen();
  // Events left on air are taken over once their previous owner's lock expires (or at once).
  await app.get(OwnershipService).claimOnAirEvents();
  new Logger('Relay').log('Relay ready');
}

bootstrap().catch((error: unknown) => {
  // Config, Redis and migration errors say what to fix; anything else gets its stack, never the environment.
  const known =
    error instanceof ConfigError || error instanceof RedisStartupError || error instanceof MigrationError;
  process.stderr.write(
    `${scrubSecrets(known ? error.message : String(error instanceof Error ? error.stack : error))}\n`,
  );
  process.exit(1);
});

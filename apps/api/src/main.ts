import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@relay/config';
import { createAppLogging, scrubSecrets } from '@relay/observability';
import { applyMigrations, findMigrationsDir, MigrationError } from '@relay/prisma';
import { assertRedisFitForQueues, RedisStartupError } from '@relay/queue';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { installGracefulShutdown } from './common/shutdown/graceful-shutdown';
import { createValidationPipe } from './common/validation/validation-pipe';
import { ApiKeysRepository } from './modules/api-keys/api-keys.repository';
import { setupOpenApi } from './openapi/setup-openapi';

/** Validates the configuration, checks Redis, applies migrations, then serves the API on PORT. */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // JSON lines with secrets redacted (README "Logs"), from the first line on.
  const logging = createAppLogging({
    service: 'api',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    http: true,
  });
  Logger.overrideLogger(logging.nestLogger);
  const logger = new Logger('Api');
  // Before anything else: a Redis that evicts keys would lose jobs later, silently.
  await assertRedisFitForQueues(config.REDIS_URL, { logger: new Logger('Redis') });
  await applyMigrations(config.DATABASE_URL, findMigrationsDir(__dirname), new Logger('Migrations'));

  const app = await NestFactory.create(ApiModule.forRoot(config, logging.params), {
    bufferLogs: true,
    bodyParser: true,
    // The Stripe webhook verifies its signature over the exact bytes received.
    rawBody: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  installGracefulShutdown(app, { drainTimeoutMs: 10_000, closeTimeoutMs: 5_000, logger });
  if (config.RELAY_BOOTSTRAP_API_KEY)
    await app.get(ApiKeysRepository).ensureBootstrapKey(config.RELAY_BOOTSTRAP_API_KEY);
  await app.listen(config.PORT, config.BIND_HOST);
  logger.log(`API listening on http://${config.BIND_HOST}:${config.PORT}`);
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

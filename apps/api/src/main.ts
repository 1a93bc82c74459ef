import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@relay/config';
import { applyMigrations, findMigrationsDir } from '@relay/prisma';
import { assertRedisFitForQueues, RedisStartupError } from '@relay/queue';
import { ApiModule } from './api.module';
import { installGracefulShutdown } from './common/shutdown/graceful-shutdown';
import { createValidationPipe } from './common/validation/validation-pipe';
import { ApiKeysRepository } from './modules/api-keys/api-keys.repository';
import { setupOpenApi } from './openapi/setup-openapi';

/** prisma/migrations of the checkout or image this file runs from (dist/apps/api/src or apps/api/src). */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('Api');
  // Before anything else: a Redis that evicts keys would lose jobs later, silently.
  await assertRedisFitForQueues(config.REDIS_URL, { logger: new Logger('Redis') });
  await applyMigrations(config.DATABASE_URL, findMigrationsDir(__dirname), new Logger('Migrations'));

  const app = await NestFactory.create(ApiModule.forRoot(config), {
    logger: levelsFrom(config.LOG_LEVEL),
    bodyParser: true,
    // The Stripe webhook verifies its signature over the exact bytes received.
    rawBody: true,
  });
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  installGracefulShutdown(app, { drainTimeoutMs: 10_000, closeTimeoutMs: 5_000, logger });
  if (config.RELAY_BOOTSTRAP_API_KEY)
    await app.get(ApiKeysRepository).ensureBootstrapKey(config.RELAY_BOOTSTRAP_API_KEY);
  await app.listen(config.PORT, config.BIND_HOST);
  logger.log(`API listening on http://${config.BIND_HOST}:${config.PORT}`);
}

function levelsFrom(level: 'error' | 'warn' | 'log' | 'debug'): Array<'error' | 'warn' | 'log' | 'debug'> {
  const all = ['error', 'warn', 'log', 'debug'] as const;
  return all.slice(0, all.indexOf(level) + 1);
}

bootstrap().catch((error: unknown) => {
  // Config and Redis errors say what to fix; anything else gets its stack, never the environment.
  const known = error instanceof ConfigError || error instanceof RedisStartupError;
  process.stderr.write(`${known ? error.message : String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});

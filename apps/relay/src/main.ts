import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@relay/config';
import { IngestService } from './relay/ingest.service';
import { PipelinesService } from './relay/pipelines.service';
import { RelayModule } from './relay.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  process.title = 'restream-relay';
  const app = await NestFactory.createApplicationContext(RelayModule.forRoot(config), {
    logger: (['error', 'warn', 'log', 'debug'] as const).slice(
      0,
      ['error', 'warn', 'log', 'debug'].indexOf(config.LOG_LEVEL) + 1,
    ),
  });
  app.enableShutdownHooks();
  await app.get(IngestService).listen();
  await app.get(PipelinesService).resumeOnAirEvents();
  new Logger('Relay').log('Relay ready');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});

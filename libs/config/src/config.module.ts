import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EnvironmentVariables } from './env.schema';
import { StreamKeySecrets } from './secrets/stream-key-crypto';

/**
 * Provides the validated {@link EnvironmentVariables} and the {@link StreamKeySecrets} built from them to
 * every module. Inject `EnvironmentVariables`; never read `process.env` in services.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: EnvironmentVariables): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [
        { provide: EnvironmentVariables, useValue: config },
        {
          provide: StreamKeySecrets,
          useValue: new StreamKeySecrets(
            config.INGEST_KEY_HMAC_SECRET,
            config.DESTINATION_KEY_ENCRYPTION_KEYS,
          ),
        },
      ],
      exports: [EnvironmentVariables, StreamKeySecrets],
    };
  }
}

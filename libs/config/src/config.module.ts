import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EnvironmentVariables } from './env.schema';

/**
 * Provides the validated {@link EnvironmentVariables} to every module. Inject `EnvironmentVariables`;
 * never read `process.env` in services.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: EnvironmentVariables): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: EnvironmentVariables, useValue: config }],
      exports: [EnvironmentVariables],
    };
  }
}

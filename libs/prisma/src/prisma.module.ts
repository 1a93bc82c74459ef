import { type DynamicModule, Module, type ModuleMetadata, type InjectionToken } from '@nestjs/common';
import { PRISMA_OPTIONS, type PrismaOptions, PrismaService } from './prisma.service';

/** Options of {@link PrismaModule.forRootAsync}: a Nest factory provider that yields {@link PrismaOptions}. */
export interface PrismaModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => PrismaOptions | Promise<PrismaOptions>;
}

/**
 * Provides one {@link PrismaService} to the whole application (a global module): import it once, in the root
 * module, with `PrismaModule.forRoot({ databaseUrl })` or `PrismaModule.forRootAsync({ inject, useFactory })`
 * to read the URL from the validated configuration.
 */
@Module({})
export class PrismaModule {
  /** The module with a fixed connection URL. */
  static forRoot(options: PrismaOptions): DynamicModule {
    return {
      module: PrismaModule,
      global: true,
      providers: [{ provide: PRISMA_OPTIONS, useValue: options }, PrismaService],
      exports: [PrismaService],
    };
  }

  /** The module with options computed by a factory from injected providers (e.g. the config service). */
  static forRootAsync(options: PrismaModuleAsyncOptions): DynamicModule {
    return {
      module: PrismaModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: PRISMA_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        PrismaService,
      ],
      exports: [PrismaService],
    };
  }
}

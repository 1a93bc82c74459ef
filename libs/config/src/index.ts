export * from './config.module';
export * from './env.schema';
export * from './secrets/stream-key-crypto';

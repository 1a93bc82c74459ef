export * from './app-logger';
export * from './nest-logging';
export * from './pretty-stream';
export * from './redaction';
export * from './request-logging';
export * from './secret-scrubber';

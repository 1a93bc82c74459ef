export * from './bounded-labels';
export * from './counter-rate';
export * from './http-metrics';
export * from './queue-depth';
export * from './service-registry';

export * from './queue-names';
export * from './redis-connection';
export * from './redis-checks';
export * from './redis-availability';
export * from './job-producer';
export * from './event-ownership';
export * from './webhook-delivery';
export * from './billing-queues';

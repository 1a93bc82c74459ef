export * from './event.contract';
export * from './webhook.contract';
export * from './webhook-url';
export * from './billing.contract';

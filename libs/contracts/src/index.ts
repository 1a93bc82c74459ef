export * from './event.contract';

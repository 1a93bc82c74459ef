export * from './ingest-types';
export * from './rtmp-server';
export * from './rtmp-server-options';
export { type RtmpSessionState } from './rtmp-session';

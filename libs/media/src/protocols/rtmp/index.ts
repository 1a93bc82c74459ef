export * from './chunk-reader';
export * from './chunk-writer';
export * from './control-messages';
export * from './handshake';
export * from './rtmp-command';
export * from './rtmp-constants';
export * from './rtmp-errors';
export * from './rtmp-message';

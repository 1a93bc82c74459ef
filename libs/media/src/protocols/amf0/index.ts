export * from './amf0-constants';
export * from './amf0-decoder';
export * from './amf0-encoder';
export * from './amf0-errors';
export * from './amf0-types';

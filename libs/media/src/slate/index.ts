export * from './slate-clip';
export * from './slate-clip-cache';
export * from './slate-encoder';
export * from './slate-loop';
export * from './slate-params';

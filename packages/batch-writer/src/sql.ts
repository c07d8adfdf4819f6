export type { SqlSinkOptions } from './sinkOptions.js';
export { sqlSink } from './sqlSink.js';

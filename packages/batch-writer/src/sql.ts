export type { SqlSinkOptions } from './sqlSink.js';
export { sqlSink } from './sqlSink.js';

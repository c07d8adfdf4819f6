export { redisSink } from './redisSink.js';
export type { RedisPipelineLike, RedisSinkOptions } from './sinkOptions.js';

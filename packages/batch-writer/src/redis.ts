export type { RedisPipelineLike, RedisSinkOptions } from './redisSink.js';
export { redisSink } from './redisSink.js';

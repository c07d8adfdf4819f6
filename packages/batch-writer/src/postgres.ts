export { postgresSink } from './postgresSink.js';
export type { PostgresQueryable, PostgresSinkOptions } from './sinkOptions.js';

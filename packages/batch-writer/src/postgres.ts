export type { PostgresQueryable, PostgresSinkOptions } from './postgresSink.js';
export { postgresSink } from './postgresSink.js';

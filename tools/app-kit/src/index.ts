export { ConfigError, EnvReader, redactUrl } from './config.js';
export type { Database, DatabaseOptions, Queryable, QueryResult } from './database.js';
export { openDatabase } from './database.js';
export type { ReadinessCheck, Resource } from './lifecycle.js';
export { Lifecycle } from './lifecycle.js';
export { loggerOptions, REDACTED_PATHS } from './logging.js';
export type { Migration } from './migrate.js';
export { migrate } from './migrate.js';

export type { Deferred } from './deferred.js';
export { deferred } from './deferred.js';
export { closedPort } from './ports.js';
export type { Service } from './services.js';
export { postgres, redis } from './services.js';

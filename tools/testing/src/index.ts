export type { Deferred } from './deferred.js';
export { deferred } from './deferred.js';
export { closedPort, freePort } from './ports.js';
export { seededRandom } from './random.js';
export type { Service } from './services.js';
export { postgres, redis, tempDatabase } from './services.js';
export type { ManualClock } from './time.js';
export { FAKE_NOW, manualClock, useFakeTime } from './time.js';

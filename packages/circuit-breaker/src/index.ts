export type {
  BreakerSnapshot,
  BreakerStats,
  CircuitBreakerOptions,
  ExecuteOptions,
  Isolation,
  StateListener,
} from './circuitBreaker.js';
export { CircuitBreaker } from './circuitBreaker.js';
export { exceptClientErrors, isAbortError, isClientError, isHttpClientError, isValidationError } from './classify.js';
export { ConsecutiveFailures } from './consecutiveFailures.js';
export type { CountWindowOptions } from './countWindow.js';
export { CountWindow } from './countWindow.js';
export {
  BreakerError,
  BreakerOpenError,
  BreakerShutDownError,
  BreakerTimeoutError,
  BulkheadFullError,
  InvalidOptionError,
} from './errors.js';
export type { BackoffOptions } from './openDuration.js';
export type { OpossumOptions, OpossumStats } from './opossumBreaker.js';
export { OpossumBreaker } from './opossumBreaker.js';
export type { RateThresholdOptions } from './rateThresholds.js';
export type { BreakerState, StateKind } from './state.js';
export type { BreakerStrategy, StrategySnapshot } from './strategy.js';
export type { TimeWindowOptions } from './timeWindow.js';
export { TimeWindow } from './timeWindow.js';

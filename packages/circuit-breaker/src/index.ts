export type {
  CircuitBreakerChannelMessages,
  FailureMessage,
  RejectMessage,
  StateMessage,
  SuccessMessage,
  TimeoutMessage,
} from './channels.js';
export { channelNames } from './channels.js';
export type { CircuitBreakerStats, Isolation, StateListener } from './circuitBreaker.js';
export { CircuitBreaker } from './circuitBreaker.js';
export { exceptClientErrors, isAbortError, isClientError, isHttpClientError, isValidationError } from './classify.js';
export { ConsecutiveFailures } from './consecutiveFailures.js';
export { CountWindow } from './countWindow.js';
export type { CircuitBreakerErrorCode } from './errors.js';
export {
  BreakerClosedError,
  BreakerOpenError,
  BreakerTimeoutError,
  BulkheadFullError,
  CircuitBreakerError,
  InvalidOptionError,
} from './errors.js';
export type {
  BackoffOptions,
  CircuitBreakerOptions,
  CountWindowOptions,
  ExecuteOptions,
  RateThresholdOptions,
  TimeWindowOptions,
} from './options.js';
export type { BreakerSnapshot, BreakerState, StateKind } from './state.js';
export type { BreakerStrategy, StrategySnapshot } from './strategy.js';
export { TimeWindow } from './timeWindow.js';

// Ready-made error predicates for the `isFailure` option: errors caused by the
// caller (a bad request, invalid input, the caller giving up) say nothing about
// the health of the dependency, so they must never open the circuit.

function field(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

function httpStatus(error: unknown): unknown {
  return field(error, 'status') ?? field(error, 'statusCode') ?? field(field(error, 'response'), 'status');
}

/**
 * True for an HTTP 4xx carried as `status`, `statusCode` or `response.status`
 * (fetch/undici, axios, got, Docker clients), except 408 and 429 which signal
 * an overloaded or slow server.
 */
export function isHttpClientError(error: unknown): boolean {
  const status = Number(httpStatus(error));
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** True for validation errors: `name` ValidationError or ZodError, or Node's ERR_INVALID_ARG_* codes. */
export function isValidationError(error: unknown): boolean {
  const name = field(error, 'name');
  const code = field(error, 'code');
  return (
    name === 'ValidationError' ||
    name === 'ZodError' ||
    (typeof code === 'string' && code.startsWith('ERR_INVALID_ARG'))
  );
}

/** True when the caller aborted: an `AbortError` (DOMException or `code: 'ABORT_ERR'`). The breaker's own timeout is a `BreakerTimeoutError` instead. */
export function isAbortError(error: unknown): boolean {
  return field(error, 'name') === 'AbortError' || field(error, 'code') === 'ABORT_ERR';
}

/** True for any error the caller caused: HTTP 4xx, validation, abort. */
export function isClientError(error: unknown): boolean {
  return isHttpClientError(error) || isValidationError(error) || isAbortError(error);
}

/** An `isFailure` predicate that counts every error except client errors: `new CircuitBreaker({ isFailure: exceptClientErrors })`. */
export function exceptClientErrors(error: unknown): boolean {
  return !isClientError(error);
}

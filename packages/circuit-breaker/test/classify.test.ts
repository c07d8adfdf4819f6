import { describe, expect, it } from 'vitest';
import {
  BreakerTimeoutError,
  exceptClientErrors,
  isAbortError,
  isClientError,
  isHttpClientError,
  isValidationError,
} from '../src/index.js';

describe('client error helpers', () => {
  it('recognise HTTP 4xx in the usual shapes, but not 408/429/5xx', () => {
    expect(isHttpClientError({ status: 404 })).toBe(true);
    expect(isHttpClientError({ statusCode: 409 })).toBe(true);
    expect(isHttpClientError({ response: { status: 401 } })).toBe(true);
    expect(isHttpClientError({ status: 408 })).toBe(false);
    expect(isHttpClientError({ status: 429 })).toBe(false);
    expect(isHttpClientError({ status: 503 })).toBe(false);
    expect(isHttpClientError(new Error('plain'))).toBe(false);
    expect(isHttpClientError(null)).toBe(false);
  });

  it('recognise validation and abort errors', () => {
    expect(isValidationError(Object.assign(new Error('x'), { name: 'ZodError' }))).toBe(true);
    expect(isValidationError(Object.assign(new TypeError('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(true);
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbortError(new BreakerTimeoutError('b', 10))).toBe(false);
  });

  it('exceptClientErrors counts server faults and timeouts only', () => {
    expect(exceptClientErrors({ status: 400 })).toBe(false);
    expect(isClientError({ status: 400 })).toBe(true);
    expect(exceptClientErrors({ status: 500 })).toBe(true);
    expect(exceptClientErrors(new Error('ECONNREFUSED'))).toBe(true);
    expect(exceptClientErrors(new BreakerTimeoutError('b', 10))).toBe(true);
  });
});

// Helpers that build bucket bounds for a histogram's `buckets` option.
import { InvalidOptionError } from './errors.js';

/** `count` buckets: start, start + width, ... */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!Number.isFinite(start)) throw new InvalidOptionError('linearBuckets.start', 'a finite number', start);
  if (!(typeof width === 'number' && width > 0 && width < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError('linearBuckets.width', 'a finite number > 0', width);
  }
  checkCount('linearBuckets.count', count);
  return Array.from({ length: count }, (_, i) => start + i * width);
}

/** `count` buckets: start, start × factor, ... */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(typeof start === 'number' && start > 0 && start < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError('exponentialBuckets.start', 'a finite number > 0', start);
  }
  if (!(typeof factor === 'number' && factor > 1 && factor < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError('exponentialBuckets.factor', 'a finite number > 1', factor);
  }
  checkCount('exponentialBuckets.count', count);
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

function checkCount(option: string, count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new InvalidOptionError(option, 'an integer ≥ 1', count);
}

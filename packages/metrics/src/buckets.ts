import { InvalidOptionError } from './errors.js';

/** prom-client's default buckets (seconds), so existing dashboards keep working. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `count` buckets: start, start + width, ... */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!Number.isFinite(start) || !(width > 0) || !Number.isInteger(count) || count < 1) {
    throw new InvalidOptionError(
      'linearBuckets',
      '(start, width, count)',
      'needs a finite start, width > 0 and an integer count ≥ 1',
    );
  }
  return Array.from({ length: count }, (_, i) => start + i * width);
}

/** `count` buckets: start, start × factor, ... */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0) || !(factor > 1) || !Number.isInteger(count) || count < 1) {
    throw new InvalidOptionError(
      'exponentialBuckets',
      '(start, factor, count)',
      'needs start > 0, factor > 1 and an integer count ≥ 1',
    );
  }
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

/** Checks bucket bounds: finite, strictly increasing, at least one. +Inf is implied and dropped if given. */
export function validateBuckets(metric: string, buckets: readonly number[]): number[] {
  const bounds = buckets.filter((b) => b !== Number.POSITIVE_INFINITY);
  if (bounds.length === 0) throw new InvalidOptionError(metric, 'buckets', 'needs at least one finite bound');
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i]!;
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new InvalidOptionError(metric, 'buckets', `has a non-finite bound ${b}`);
    }
    if (i > 0 && b <= bounds[i - 1]!) {
      throw new InvalidOptionError(metric, 'buckets', `must be strictly increasing (${bounds[i - 1]} then ${b})`);
    }
  }
  return bounds;
}

/**
 * One lease-able unit of memory: an ArrayBuffer owned by exactly one lease at a
 * time. `view` is the Buffer last handed out (reused when the next lease asks
 * for the same length, so a steady-state hit allocates nothing).
 */
export interface Slot {
  readonly cls: SizeClass;
  /** The whole ArrayBuffer, used for zeroing and as the view when size === capacity. */
  full: Buffer;
  view: Buffer;
  leased: boolean;
}

/** Buffers of one capacity: a LIFO stack of free slots (the most recently used is warmest in cache) and counters. */
export class SizeClass {
  readonly free: Slot[] = [];
  acquires = 0;
  hits = 0;
  misses = 0;
  releases = 0;
  dropped = 0;

  constructor(readonly capacity: number) {}
}

/** Index of the smallest class whose capacity is ≥ size; `classes` is sorted and `size` ≤ its last capacity. */
export function classIndexFor(classes: readonly SizeClass[], size: number): number {
  let lo = 0;
  let hi = classes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (classes[mid]!.capacity >= size) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Powers of two from `min` up to `max` (`max` itself is always the last tier, power of two or not). */
export function powerOfTwoTiers(min: number, max: number): number[] {
  const tiers: number[] = [];
  let t = 2 ** Math.ceil(Math.log2(min));
  for (; t < max; t *= 2) tiers.push(t);
  tiers.push(max);
  return tiers;
}

// The size of an entry under `maxSize`, shared by both policies: the user's
// `sizeCalculation` on the value, checked, with a refusal as one typed error.
import type { Entry } from './entry.js';
import { InvalidSizeError } from './errors.js';

/**
 * A function measuring an entry with `sizeCalculation`; negative entries (a
 * cached load error) weigh 1. Throws `InvalidSizeError` when the function
 * throws or returns anything but a positive safe integer (NaN, 0, 1.5).
 */
export function entrySize<V>(
  sizeCalculation: (value: V, key: string) => number,
): (entry: Entry<V>, key: string) => number {
  return (entry, key) => {
    if (entry.negative) return 1;
    let n: number;
    try {
      n = sizeCalculation(entry.value as V, key);
    } catch (error) {
      throw new InvalidSizeError(key, undefined, error);
    }
    if (!(Number.isSafeInteger(n) && n > 0)) throw new InvalidSizeError(key, n);
    return n;
  };
}

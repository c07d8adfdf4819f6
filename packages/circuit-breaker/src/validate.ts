import { InvalidOptionError } from './errors.js';

// Shared checks so every option fails at construction with the same kind of error.

export function integerAtLeast(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidOptionError(option, `an integer >= ${min}`, value);
  return value;
}

export function numberAtLeast(option: string, value: number, min: number, orInfinity = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || (!orInfinity && !Number.isFinite(value))) {
    throw new InvalidOptionError(option, `a${orInfinity ? '' : ' finite'} number >= ${min}`, value);
  }
  return value;
}

export function percentage(option: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 100)) {
    throw new InvalidOptionError(option, 'a percentage in (0, 100]', value);
  }
  return value;
}

// The SampleStats of a case from its raw samples (ns per operation), the way
// mitata summarises its own: sorted, percentiles at index ⌊q·(n−1)⌋, and at
// most MAX_SAMPLES kept for the statistics of later comparisons.
import type { SampleStats } from './results.js';

// Enough to compute medians, intervals and rank tests later without writing
// megabytes per benchmark: the samples are sorted, so an even stride keeps
// the shape of the distribution.
export const MAX_SAMPLES = 1000;

/** At most MAX_SAMPLES of ascending `sorted`, an even stride over them. */
export function keepSamples(sorted: readonly number[]): number[] {
  if (sorted.length <= MAX_SAMPLES) return sorted.slice();
  const out: number[] = [];
  const step = sorted.length / MAX_SAMPLES;
  for (let i = 0; i < MAX_SAMPLES; i++) out.push(sorted[Math.floor(i * step)]!);
  return out;
}

/** min, max, avg, p25/p50/p75/p99 (mitata's index rule, no interpolation), n and the kept samples. */
export function sampleStats(samples: readonly number[]): SampleStats {
  const s = samples.slice().sort((a, b) => a - b);
  const at = (q: number) => s[Math.floor(q * (s.length - 1))]!;
  let sum = 0;
  for (const x of s) sum += x;
  return {
    min: s[0]!,
    max: s[s.length - 1]!,
    avg: sum / s.length,
    p25: at(0.25),
    p50: at(0.5),
    p75: at(0.75),
    p99: at(0.99),
    n: s.length,
    samples: keepSamples(s),
  };
}

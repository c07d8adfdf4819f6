// An independent parser of the Prometheus text format, to check our exposition
// against: the npm package `parse-prometheus-text-format`, which ships no types,
// loaded here once with the types of what it returns.
import { createRequire } from 'node:module';

export interface Sample {
  readonly value?: string;
  readonly labels?: Record<string, string>;
  readonly buckets?: Record<string, string>;
  readonly quantiles?: Record<string, string>;
  readonly count?: string;
  readonly sum?: string;
}

export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly Sample[];
}

export const parsePrometheusText = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => Family[];

import { type ExpositionFormat } from './registry.js';
import type { MetricSnapshot } from './snapshot.js';
/** One metric merged from every process that has it. */
export declare function mergeSnapshots(perProcess: readonly (readonly MetricSnapshot[])[]): MetricSnapshot[];
/** The exposition of merged snapshots, in the same format a local registry writes. */
export declare function formatSnapshots(snapshots: readonly MetricSnapshot[], format?: ExpositionFormat): Promise<string>;

/** `count` buckets: start, start + width, ... */
export declare function linearBuckets(start: number, width: number, count: number): number[];
/** `count` buckets: start, start × factor, ... */
export declare function exponentialBuckets(start: number, factor: number, count: number): number[];

export interface SketchSnapshot {
    readonly alpha: number;
    /** [bucket index, count] pairs for positive values. */
    readonly positive: readonly (readonly [number, number])[];
    /** [bucket index, count] pairs for negative values (index of the magnitude). */
    readonly negative: readonly (readonly [number, number])[];
    readonly zeros: number;
}
export declare class QuantileSketch {
    readonly alpha: number;
    private readonly maxBuckets;
    private readonly lnGamma;
    private readonly gamma;
    private readonly positive;
    private readonly negative;
    private zeros;
    count: number;
    constructor(alpha?: number, maxBuckets?: number);
    add(v: number, times?: number): void;
    /** The q-quantile (0 ≤ q ≤ 1), within relative error α; NaN when empty. */
    quantile(q: number): number;
    /** Adds another sketch's counts (same α): a local sketch directly, or one sent by another process. */
    merge(other: QuantileSketch | SketchSnapshot): void;
    clear(): void;
    snapshot(): SketchSnapshot;
    /** Midpoint of bucket i: within α of every value in it. */
    private value;
}

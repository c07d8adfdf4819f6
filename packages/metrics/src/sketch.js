// A quantile sketch in the DDSketch family: values fall into logarithmic
// buckets so that any quantile is answered within a relative error α, memory is
// bounded (at most `maxBuckets` per sign; past that the lowest buckets collapse,
// costing accuracy only at the low end) and two sketches merge exactly by adding
// counts, which is what makes summaries aggregatable across processes.
/** Values with a magnitude below this count as zero. */
const MIN_MAGNITUDE = 1e-9;
export class QuantileSketch {
    alpha;
    maxBuckets;
    lnGamma;
    gamma;
    positive = new Map();
    negative = new Map();
    zeros = 0;
    count = 0;
    constructor(alpha = 0.01, maxBuckets = 2048) {
        this.alpha = alpha;
        this.maxBuckets = maxBuckets;
        this.gamma = (1 + alpha) / (1 - alpha);
        this.lnGamma = Math.log(this.gamma);
    }
    add(v, times = 1) {
        this.count += times;
        if (v > MIN_MAGNITUDE)
            bump(this.positive, Math.ceil(Math.log(v) / this.lnGamma), times, this.maxBuckets);
        else if (v < -MIN_MAGNITUDE)
            bump(this.negative, Math.ceil(Math.log(-v) / this.lnGamma), times, this.maxBuckets);
        else
            this.zeros += times;
    }
    /** The q-quantile (0 ≤ q ≤ 1), within relative error α; NaN when empty. */
    quantile(q) {
        if (this.count === 0)
            return Number.NaN;
        const rank = q * (this.count - 1);
        let seen = 0;
        for (const i of [...this.negative.keys()].sort((a, b) => b - a)) {
            seen += this.negative.get(i);
            if (seen > rank)
                return -this.value(i);
        }
        seen += this.zeros;
        if (seen > rank)
            return 0;
        const keys = [...this.positive.keys()].sort((a, b) => a - b);
        for (const i of keys) {
            seen += this.positive.get(i);
            if (seen > rank)
                return this.value(i);
        }
        return this.value(keys[keys.length - 1]);
    }
    /** Adds another sketch's counts (same α): a local sketch directly, or one sent by another process. */
    merge(other) {
        const { positive, negative, zeros } = other instanceof QuantileSketch
            ? { positive: other.positive, negative: other.negative, zeros: other.zeros }
            : other;
        for (const [i, c] of positive) {
            bump(this.positive, i, c, this.maxBuckets);
            this.count += c;
        }
        for (const [i, c] of negative) {
            bump(this.negative, i, c, this.maxBuckets);
            this.count += c;
        }
        this.zeros += zeros;
        this.count += zeros;
    }
    clear() {
        this.positive.clear();
        this.negative.clear();
        this.zeros = 0;
        this.count = 0;
    }
    snapshot() {
        return { alpha: this.alpha, positive: [...this.positive], negative: [...this.negative], zeros: this.zeros };
    }
    /** Midpoint of bucket i: within α of every value in it. */
    value(i) {
        return (2 * this.gamma ** i) / (this.gamma + 1);
    }
}
function bump(store, i, c, maxBuckets) {
    store.set(i, (store.get(i) ?? 0) + c);
    if (store.size > maxBuckets)
        collapseLowest(store);
}
function collapseLowest(store) {
    const [a, b] = [...store.keys()].sort((x, y) => x - y);
    store.set(b, store.get(b) + store.get(a));
    store.delete(a);
}
//# sourceMappingURL=sketch.js.map
// Hit ratio of plain LRU (lru-cache), of our W-TinyLFU policy and of the
// offline optimum (Bélády) on seeded traces. Run: pnpm --filter @perf/cache hit-ratio
import { LRUCache } from 'lru-cache';
import { Cache } from '../src/index.js';
import { loop, recency, shiftingZipf, type Trace, zipf, zipfWithScan } from './trace.js';

export function lruHitRatio(trace: Trace): number {
  const lru = new LRUCache<string, number>({ max: trace.cacheSize });
  let hits = 0;
  for (const k of trace.keys) {
    if (lru.get(k) !== undefined) hits++;
    else lru.set(k, 1);
  }
  return hits / trace.keys.length;
}

export function tinyLfuHitRatio(trace: Trace): number {
  const cache = new Cache<number>({ max: trace.cacheSize, policy: 'tinylfu' });
  let hits = 0;
  for (const k of trace.keys) {
    if (cache.get(k) !== undefined) hits++;
    else void cache.set(k, 1);
  }
  return hits / trace.keys.length;
}

/** Bélády's MIN with bypass: on a miss, drop whichever key (the new one included) is used again last. */
export function optimalHitRatio(trace: Trace): number {
  const { keys, cacheSize } = trace;
  const nextUse = new Float64Array(keys.length);
  const seen = new Map<string, number>();
  for (let i = keys.length - 1; i >= 0; i--) {
    nextUse[i] = seen.get(keys[i]!) ?? Number.POSITIVE_INFINITY;
    seen.set(keys[i]!, i);
  }
  const resident = new Map<string, number>(); // key → its next use
  const heap: Array<[number, string]> = []; // max-heap on next use, lazily cleaned
  const push = (item: [number, string]) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] >= heap[i]![0]) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): [number, string] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] > heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] > heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  let hits = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const n = nextUse[i]!;
    if (resident.has(k)) {
      hits++;
      resident.set(k, n);
      push([n, k]);
      continue;
    }
    if (resident.size >= cacheSize) {
      // Find the resident key used again last (skipping stale heap items).
      let top = heap[0];
      while (top && resident.get(top[1]) !== top[0]) {
        pop();
        top = heap[0];
      }
      if (top && top[0] <= n) continue; // the new key is needed last: do not admit it
      pop();
      resident.delete(top![1]);
    }
    resident.set(k, n);
    push([n, k]);
  }
  return hits / keys.length;
}

/**
 * The ceiling of any frequency-based policy: keep, from the start, the
 * `cacheSize` keys with the most accesses in the whole trace (offline, static).
 */
export function staticLfuHitRatio(trace: Trace): number {
  const counts = new Map<string, number>();
  for (const k of trace.keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const top = [...counts.values()].sort((a, b) => b - a).slice(0, trace.cacheSize);
  // Each kept key still misses once, on its first access.
  return top.reduce((sum, c) => sum + c - 1, 0) / trace.keys.length;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The traces of the README's table. */
export const reportTraces = (): Trace[] => [zipfWithScan(), zipf(), shiftingZipf(), loop(), recency()];

/** Other seeds and sizes (`--more`): a check that the policy is not tuned to the seeds above. */
export const moreTraces = (): Trace[] => [
  zipfWithScan(1),
  zipfWithScan(2, 200_000, 50_000, 2_000),
  zipfWithScan(3, 300_000, 10_000, 500),
  zipf(11, 200_000, 50_000, 2_000),
  shiftingZipf(5),
  shiftingZipf(6, 200_000, 20_000, 500),
  shiftingZipf(8, 300_000, 50_000, 2_000, 40_000),
  loop(200_000, 500),
  recency(14, 200_000, 500),
];

export function report(traces: Trace[] = reportTraces()): string {
  const rows = traces.map((t) => {
    const lru = lruHitRatio(t);
    const ours = tinyLfuHitRatio(t);
    const opt = optimalHitRatio(t);
    const lfu = staticLfuHitRatio(t);
    return `| ${t.name} | ${t.keys.length} | ${t.cacheSize} | ${pct(lru)} | ${pct(ours)} | ${pct(lfu)} | ${pct(opt)} | ${((ours - lru) * 100).toFixed(1)} |`;
  });
  return [
    '| trace | accesses | cache size | LRU (lru-cache) | W-TinyLFU (ours) | static LFU (offline) | Bélády optimum | ours − LRU (points) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(report(process.argv.includes('--more') ? moreTraces() : reportTraces()));
}

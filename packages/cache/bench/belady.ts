// Bélády's MIN, the offline optimum: knowing the future, on a miss drop
// whichever key (the new one included: bypass) is needed again last. No online
// policy can beat it; it says how much any policy leaves on the table.
import type { Trace } from './trace.js';

/** Hit ratio of Bélády's MIN with bypass on `trace`. */
export function optimalHitRatio(trace: Trace): number {
  const { keys, cacheSize } = trace;
  const n = keys.length;
  let maxId = 0;
  for (let i = 0; i < n; i++) if (keys[i]! > maxId) maxId = keys[i]!;
  // nextUse[i]: the position of the next access to keys[i]; never again = n + i (distinct, all beyond the trace).
  const nextUse = new Float64Array(n);
  const seen = new Float64Array(maxId + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const k = keys[i]!;
    nextUse[i] = seen[k]! >= 0 ? seen[k]! : n + i;
    seen[k] = i;
  }
  // residentUntil[k]: the next use of resident key k, or -1. A max-heap of (next use, key), cleaned lazily.
  const residentUntil = seen.fill(-1);
  const heapUse = new Float64Array(n + 1);
  const heapKey = new Int32Array(n + 1);
  let heapSize = 0;
  const push = (use: number, key: number) => {
    let i = heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heapUse[p]! >= use) break;
      heapUse[i] = heapUse[p]!;
      heapKey[i] = heapKey[p]!;
      i = p;
    }
    heapUse[i] = use;
    heapKey[i] = key;
  };
  const pop = () => {
    const use = heapUse[--heapSize]!;
    const key = heapKey[heapSize]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heapSize) break;
      const m = l + 1 < heapSize && heapUse[l + 1]! > heapUse[l]! ? l + 1 : l;
      if (heapUse[m]! <= use) break;
      heapUse[i] = heapUse[m]!;
      heapKey[i] = heapKey[m]!;
      i = m;
    }
    heapUse[i] = use;
    heapKey[i] = key;
  };
  let resident = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const next = nextUse[i]!;
    if (residentUntil[k]! >= 0) {
      hits++;
    } else if (resident < cacheSize) {
      resident++;
    } else {
      // Skip heap items that no longer describe a resident key.
      while (residentUntil[heapKey[0]!] !== heapUse[0]) pop();
      if (heapUse[0]! <= next) continue; // the new key is needed last: do not keep it
      residentUntil[heapKey[0]!] = -1;
      pop();
    }
    residentUntil[k] = next;
    push(next, k);
  }
  return hits / n;
}

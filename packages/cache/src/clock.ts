// The default clock. Date.now() costs 40–50 ns on these VMs, as much as the
// whole lookup, so (like lru-cache's ttlResolution) the value is read at most
// once per millisecond and kept until an unref'd timer clears it: expiry is
// exact to 1 ms, and a hot loop pays a variable read.

let cached = 0;
const clear = (): void => {
  cached = 0;
};

/** `Date.now()`, read at most once per millisecond. */
export function coarseNow(): number {
  if (cached !== 0) return cached;
  cached = Date.now();
  setTimeout(clear, 1).unref();
  return cached;
}

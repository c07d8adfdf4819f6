// The default clock. Date.now() costs 40–50 ns on small VMs, about as much as
// a whole in-memory decision, so the reading is kept for at most 1 ms and
// dropped by an unref'd timer: decisions are exact to the millisecond and a
// hot loop pays a variable read instead of a syscall-backed call.

let reading = 0;
let timerArmed = false;
const forget = (): void => {
  reading = 0;
  timerArmed = false;
};

/** `Date.now()`, read at most once per millisecond. */
export function coarseNow(): number {
  if (reading !== 0) return reading;
  reading = Date.now();
  if (!timerArmed) {
    timerArmed = true;
    setTimeout(forget, 1).unref();
  }
  return reading;
}

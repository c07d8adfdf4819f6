// One call to the second level, bounded in time: L2 trouble (down, slow) must
// never fail or stall a read, so errors and timeouts become a FAILED marker
// that the cache treats as "no L2 this time".
import { SecondLevelTimeoutError } from './errors.js';
import type { SecondLevelOp } from './secondLevel.js';

/** What a second-level call yields when it failed or timed out (already reported). */
export const FAILED: unique symbol = Symbol('second level failed');

const noop = (): void => {};

export async function boundedCall<T>(
  op: SecondLevelOp,
  call: () => Promise<T>,
  timeoutMs: number,
  onError: (op: SecondLevelOp, error: unknown) => void,
): Promise<T | typeof FAILED> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SecondLevelTimeoutError(op, timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    const p = Promise.resolve().then(call);
    p.catch(noop); // a late rejection after the timeout is already accounted for
    return await Promise.race([p, timeout]);
  } catch (error) {
    onError(op, error);
    return FAILED;
  } finally {
    clearTimeout(timer);
  }
}

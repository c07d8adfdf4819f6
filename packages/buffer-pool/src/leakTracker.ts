/** What debug mode reports for a lease that was garbage-collected without being released. */
export interface LeakReport {
  /** The pool's `name` option. */
  readonly name: string;
  /** Length of the leaked Buffer. */
  readonly size: number;
  /** Capacity of its size class (0 for an unpooled oversize buffer). */
  readonly capacity: number;
  /** Stack trace captured by `acquire()`: where the leaked lease was taken. */
  readonly acquiredAt: string;
}

/**
 * Debug mode only: watches each leased Buffer with a FinalizationRegistry. A
 * release unregisters it; if the Buffer is collected while still leased the
 * registry calls back with the report captured at acquire time (the report
 * never references the Buffer, or it could never be collected).
 */
export class LeakTracker {
  readonly #registry: FinalizationRegistry<LeakReport>;

  constructor(onLeak: (report: LeakReport) => void) {
    this.#registry = new FinalizationRegistry(onLeak);
  }

  /** Starts watching `buffer`; `token` (the pool's slot) is what `forget()` is later called with. */
  watch(buffer: Buffer, report: LeakReport, token: object): void {
    this.#registry.register(buffer, report, token);
  }

  forget(token: object): void {
    this.#registry.unregister(token);
  }
}

/** Captures the caller's stack without the pool's own frames. */
export function acquireStack(skip: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, skip);
  return (holder.stack ?? '').replace(/^Error:?[^\n]*\n/, '');
}

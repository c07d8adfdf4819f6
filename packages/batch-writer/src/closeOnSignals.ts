// Wires SIGTERM/SIGINT to close(): the orchestrator's stop signal drains the
// writers instead of killing the process with items still queued.
import { constants } from 'node:os';

/** Anything with a `close()` to drain, such as a `BatchWriter`. */
export interface Closable {
  close(options?: { timeoutMs?: number }): Promise<unknown>;
}

/** Options of `closeOnSignals`. */
export interface CloseOnSignalsOptions {
  /** Signals to handle. Default `['SIGTERM', 'SIGINT']`. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Passed to each `close()`: after this long, what is not written is handed back (and kept in the spool). Default: wait until drained. */
  readonly timeoutMs?: number;
  /** Called with the settled `close()` results, before the process ends. */
  readonly onClosed?: (results: PromiseSettledResult<unknown>[]) => void | Promise<void>;
  /**
   * After closing, end the process with exit status 128 + the signal's number (143 for SIGTERM, 130 for SIGINT),
   * as a shell reports a process killed by it. Default `true`; `false` leaves the process running.
   */
  readonly exit?: boolean;
}

/**
 * On the first of `signals`, closes every writer (draining them), then ends the process (status 128 + signal number).
 * Further signals during the drain are ignored so that a second Ctrl-C cannot drop accepted items.
 * Returns a function that removes the handlers.
 */
export function closeOnSignals(
  writers: Closable | readonly Closable[],
  options: CloseOnSignalsOptions = {},
): () => void {
  const targets: readonly Closable[] = Array.isArray(writers) ? writers : [writers as Closable];
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let closing = false;
  const remove = (): void => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    const closeOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    void Promise.allSettled(targets.map((w) => w.close(closeOptions)))
      .then(async (results) => {
        await options.onClosed?.(results);
      })
      .finally(() => {
        remove();
        if (options.exit !== false) process.exit(128 + (constants.signals[signal] ?? 0));
      });
  };
  for (const signal of signals) process.on(signal, onSignal);
  return remove;
}

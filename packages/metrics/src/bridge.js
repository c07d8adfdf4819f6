// Turning the diagnostics_channel events that the other @perf packages publish
// (e.g. `perf:cache:miss`) into metrics, without those packages knowing this
// one exists. Each function returns the unsubscribe.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
/** Counts every message published on `channel`, optionally labelled from the message. */
export function countChannel(channel, counter, labelsOf) {
    const onMessage = guarded(channel, labelsOf ? (message) => counter.inc(labelsOf(message)) : () => counter.inc());
    subscribe(channel, onMessage);
    return () => unsubscribe(channel, onMessage);
}
/** Observes a number taken from each message on `channel` (skipped when `valueFrom` returns undefined). */
export function observeChannel(channel, histogram, valueFrom, labelsOf) {
    const onMessage = guarded(channel, (message) => {
        const v = valueFrom(message);
        if (v === undefined)
            return;
        if (labelsOf)
            histogram.observe(labelsOf(message), v);
        else
            histogram.observe(v);
    });
    subscribe(channel, onMessage);
    return () => unsubscribe(channel, onMessage);
}
/**
 * diagnostics_channel rethrows a subscriber's exception as an uncaught exception, which would crash the
 * process of the package that published the event. A message the mapping cannot turn into a valid update
 * (bad labels, NaN) is dropped instead, and reported once per bridge with a process warning.
 */
function guarded(channel, update) {
    let warned = false;
    return (message) => {
        try {
            update(message);
        }
        catch (error) {
            if (warned)
                return;
            warned = true;
            process.emitWarning(`metrics bridge of ${channel}: a message could not be recorded and was dropped (${error instanceof Error ? error.message : String(error)}); fix the labelsOf/valueFrom mapping`, { code: 'PERF_METRICS_BRIDGE' });
        }
    };
}
//# sourceMappingURL=bridge.js.map
/** Starts a timer; the returned function passes the elapsed seconds to `record` and returns them. */
export function startTimer(record) {
    const start = performance.now();
    return () => {
        const seconds = (performance.now() - start) / 1000;
        record(seconds);
        return seconds;
    };
}
//# sourceMappingURL=timer.js.map
/** Starts a timer; the returned function passes the elapsed seconds to `record` and returns them. */
export declare function startTimer(record: (seconds: number) => void): () => number;

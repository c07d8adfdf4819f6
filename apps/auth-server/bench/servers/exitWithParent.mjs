// Preloaded (node --import) into every server tokens.bench.ts starts, ours
// included: when the bench process ends in any way, even by SIGKILL, the IPC
// channel to it closes and the server is killed at once, so no server outlives
// the bench. Not SIGTERM: with the bench gone, the server's stdout is a broken
// pipe, and a graceful drain that logs can block on it (pino retries EPIPE).
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));

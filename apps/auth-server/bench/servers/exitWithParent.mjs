// Preloaded (node --import) into every server tokens.bench.ts starts, ours
// included: when the bench process ends in any way, even by SIGKILL, the IPC
// channel to it closes and the server stops, so no server outlives the bench.
process.on('disconnect', () => {
  setTimeout(() => process.exit(1), 10_000).unref(); // if a drain hangs
  process.kill(process.pid, 'SIGTERM');
});

// spawnListening with real node child processes: the URL a server prints,
// a process that ends before it listens, and the output kept when capped.
import { describe, expect, it } from 'vitest';
import { spawnListening } from '../src/appProcess.js';

const node = (script: string) => ['-e', script];

describe('spawnListening', () => {
  it('resolves with the URL printed after "listening on", and the process runs on', async () => {
    const server = await spawnListening(
      node("console.log('demo listening on http://127.0.0.1:4321 (a note)'); setInterval(() => {}, 1000);"),
      process.env,
    );
    try {
      expect(server.base).toBe('http://127.0.0.1:4321');
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe('SIGTERM');
    }
  });

  it('rejects with the exit code and what it printed when it ends before listening', async () => {
    await expect(spawnListening(node("console.error('no port'); process.exit(3);"), process.env)).rejects.toThrow(
      /exited before it listened \(exit 3\):\nno port/,
    );
  });

  it('keeps only the last keepOutputChars of the output', async () => {
    const server = await spawnListening(
      node(
        "console.log('x'.repeat(5000)); console.log('listening on http://127.0.0.1:1'); setInterval(() => {}, 1000);",
      ),
      process.env,
      { keepOutputChars: 100 },
    );
    try {
      expect(server.output().length).toBeLessThanOrEqual(100);
      expect(server.output()).toContain('listening on http://127.0.0.1:1');
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });
});

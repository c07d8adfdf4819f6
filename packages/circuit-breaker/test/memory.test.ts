import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/tenMillionCalls.ts', import.meta.url));

it('heap stays flat over 10,000,000 calls (child node --expose-gc)', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', fixture], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const { before, after, stats } = JSON.parse(stdout) as {
    before: number;
    after: number;
    stats: { calls: number; successes: number; inFlight: number };
  };
  expect(stats).toMatchObject({ calls: 10_200_000, successes: 10_200_000, inFlight: 0 });
  // Flat: well under one byte per call (a per-call leak of even 8 bytes would be 80 MB).
  expect(after - before).toBeLessThan(1_000_000);
}, 60_000);

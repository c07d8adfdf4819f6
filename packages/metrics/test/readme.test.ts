import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it("runs the README's example", () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'metrics-readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code.replace("from '@perf/metrics'", `from ${JSON.stringify(src)}`));
    const out = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 20_000 });
    expect(out).toMatch(/^process_cpu_seconds_total \d/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

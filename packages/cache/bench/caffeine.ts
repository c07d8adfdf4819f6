// Caffeine itself, as a column of the hit-ratio suite: every trace is written
// to a file and replayed through Debian's Caffeine 2.6.2 by a small Java
// program (caffeine/CaffeineReplay.java), all traces through one JVM start.
// Missing Java or the jar: the column is skipped with a one-line reason; when
// we are root with apt-get, the jar is installed first (as `npm test` installs
// Chromium for the dashboard test).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from '@perf/testing';
import type { Trace } from './trace.js';

export const CAFFEINE_JAR = '/usr/share/java/caffeine.jar';
const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'caffeine', 'CaffeineReplay.java');

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Installs `libcaffeine-java` when it is missing and we can (root with apt-get). */
export function installCaffeine(log: (line: string) => void = console.log): void {
  ensureDebianPackages([CAFFEINE_JAR], ['libcaffeine-java'], (line) => log(`caffeine: ${line}`));
}

/** Why the Caffeine column cannot be measured here, or undefined when it can. */
export function caffeineUnavailable(): string | undefined {
  if (!existsSync(CAFFEINE_JAR)) {
    return `${CAFFEINE_JAR} is missing (apt-get install -y libcaffeine-java, as root)`;
  }
  if (!succeeds('javac', ['-version']) || !succeeds('java', ['-version'])) {
    return 'java/javac (OpenJDK) are not on the PATH';
  }
  return undefined;
}

/** Compiles the replay program once per version of its source; returns the class folder. */
function compile(): string {
  const source = readFileSync(SOURCE);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const out = join(tmpdir(), `perf-cache-caffeine-${digest}`);
  if (existsSync(join(out, 'CaffeineReplay.class'))) return out;
  mkdirSync(out, { recursive: true });
  const javac = spawnSync('javac', ['-cp', CAFFEINE_JAR, '-d', out, SOURCE], { encoding: 'utf8' });
  if (javac.status !== 0) throw new Error(`javac failed on ${SOURCE}: ${javac.stderr}`);
  return out;
}

/**
 * Hit ratios of Caffeine (`maximumSize(cacheSize)`, `executor(Runnable::run)`,
 * `getIfPresent` then `put` on a miss) on each trace, in order; or the reason
 * the column is skipped.
 */
export function caffeineHitRatios(traces: readonly Trace[]): number[] | { skipped: string } {
  const unavailable = caffeineUnavailable();
  if (unavailable !== undefined) return { skipped: unavailable };
  const classes = compile();
  const scratch = mkdtempSync(join(tmpdir(), 'perf-cache-traces-'));
  try {
    const manifest = traces.map((t, i) => {
      const file = join(scratch, `${i}.bin`);
      // Int32Array is little-endian on every platform Node runs on; the program reads it as such.
      writeFileSync(file, new Uint8Array(t.keys.buffer, t.keys.byteOffset, t.keys.byteLength));
      return `${file} ${t.cacheSize}`;
    });
    const java = spawnSync('java', ['-cp', `${classes}:${CAFFEINE_JAR}`, 'CaffeineReplay'], {
      input: `${manifest.join('\n')}\n`,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (java.status !== 0) throw new Error(`the Caffeine replay failed (exit ${java.status}): ${java.stderr}`);
    const lines = java.stdout.trim().split('\n');
    if (lines.length !== traces.length) {
      throw new Error(`the Caffeine replay answered ${lines.length} lines for ${traces.length} traces`);
    }
    return lines.map((line) => {
      const [hits, accesses] = line.split(' ').map(Number) as [number, number];
      return hits / accesses;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

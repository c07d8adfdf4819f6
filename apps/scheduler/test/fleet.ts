// Two scheduler processes sharing a coordinator, both scheduling one HTTP job
// every 50 ms against a real target: the target sees each tick exactly once
// (by the x-scheduler-tick header every run sends), over a window of 100
// ticks in which both instances were up, and both instances contended for
// every tick (one won, the other lost the claim).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { freshDataDir } from './dataDir.js';
import { metric, type SchedulerProcess, spawnScheduler } from './process.js';
import { startTarget } from './target.js';

const EVERY_MS = 50;
const TICKS = 100;

export async function proveOneRunPerTick(shared: Record<string, string>): Promise<void> {
  const target = await startTarget();
  const dirs: string[] = [];
  const instances: SchedulerProcess[] = [];
  try {
    const start = async (name: string) => {
      // With DATABASE_URL the embedded database is not used: an empty folder will do.
      const dir = shared.DATABASE_URL
        ? mkdtempSync(join(tmpdir(), `scheduler-fleet-${name}-`))
        : await freshDataDir(`scheduler-fleet-${name}-`);
      dirs.push(dir);
      const configFile = join(dir, 'jobs.ini');
      writeFileSync(
        configFile,
        `[job-http "tick"]\nschedule = @every ${EVERY_MS}ms\nurl = ${target.url}/tick\nmax-runtime = 5s\n`,
      );
      return spawnScheduler({ ...shared, DATA_DIR: dir, CONFIG_FILE: configFile, INSTANCE_NAME: name });
    };
    instances.push(...(await Promise.all([start('a'), start('b')])));
    const first = (Math.floor((Date.now() + 300) / EVERY_MS) + 1) * EVERY_MS;
    const last = first + (TICKS - 1) * EVERY_MS;
    const tickOf = (h: { headers: Record<string, unknown> }) => Date.parse(String(h.headers['x-scheduler-tick']));
    await expect.poll(() => target.hits.some((h) => tickOf(h) >= last), { timeout: 60_000, interval: 50 }).toBe(true);
    // Paused through one instance, the job stops on both (the flag is in the shared lock record).
    const paused = await fetch(`${instances[0]?.base}/api/jobs/tick/pause`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(paused.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500)); // runs in flight, and a late duplicate, would arrive by now
    const settled = target.hits.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(target.hits.length).toBe(settled);

    const byTick = new Map<number, { run: string; fence: number }[]>();
    for (const h of target.hits) {
      const list = byTick.get(tickOf(h)) ?? [];
      list.push({ run: String(h.headers['x-scheduler-run']), fence: Number(h.headers['x-scheduler-fence']) });
      byTick.set(tickOf(h), list);
    }
    const counts = Array.from({ length: TICKS }, (_, i) => byTick.get(first + i * EVERY_MS)?.length ?? 0);
    expect(counts).toEqual(Array.from({ length: TICKS }, () => 1));
    expect([...byTick.values()].filter((l) => l.length > 1)).toEqual([]);
    // The fencing token grows with the ticks: every claim came after the one before.
    const fences = [...byTick.entries()].sort(([a], [b]) => a - b).map(([, l]) => l[0]?.fence ?? 0);
    expect(fences.every((f, i) => i === 0 || f > (fences[i - 1] as number))).toBe(true);

    const scrapes = await Promise.all(instances.map(async (p) => (await fetch(`${p.base}/metrics`)).text()));
    const won = scrapes.map((t) => metric(t, 'scheduler_ticks_total{job="tick",outcome="won"}'));
    const lost = scrapes.map((t) => metric(t, 'scheduler_ticks_total{job="tick",outcome="lost"}'));
    expect((won[0] ?? 0) + (won[1] ?? 0)).toBe(target.hits.length);
    // Both tried (nearly) every tick of the window: what one won, the other lost.
    expect((lost[0] ?? 0) + (lost[1] ?? 0)).toBeGreaterThanOrEqual(TICKS * 0.9);
  } finally {
    const codes = await Promise.all(instances.map((p) => p.stop()));
    await target.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    expect(codes).toEqual(instances.map(() => 0));
  }
}

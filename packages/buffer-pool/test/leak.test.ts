import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { BufferPool, channelNames, type LeakReport } from '../src/index.js';

// vitest's workers are not started with --expose-gc; this flag plus a fresh
// context hands us V8's gc() anyway.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function leakOne(pool: BufferPool): void {
  pool.acquire(4096); // acquired here, never released
}

async function collectUntil(done: () => boolean): Promise<void> {
  // FinalizationRegistry callbacks run as tasks after a GC; a few rounds suffice.
  for (let i = 0; i < 20 && !done(); i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('leak reports (debug mode)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test('a lease collected without release is reported through FinalizationRegistry with its acquire stack (real GC)', async () => {
    const reports: LeakReport[] = [];
    const published: unknown[] = [];
    const onPublish = (m: unknown) => published.push(m);
    subscribe(channelNames.leak, onPublish);
    try {
      const pool = new BufferPool({ name: 'leaky', debug: true, onLeak: (r) => reports.push(r) });
      leakOne(pool);
      await collectUntil(() => reports.length > 0);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ name: 'leaky', size: 4096, capacity: 4096 });
      expect(reports[0]!.acquiredAt).toContain('leakOne');
      expect(reports[0]!.acquiredAt).toMatch(/^\s+at /);
      expect(reports[0]!.acquiredAt).toContain('leak.test.ts');
      expect(published).toEqual(reports);
      expect(pool.stats().leaked).toBe(1);
    } finally {
      unsubscribe(channelNames.leak, onPublish);
    }
  });

  test('a released lease is never reported (real GC)', async () => {
    const reports: LeakReport[] = [];
    const pool = new BufferPool({ debug: true, onLeak: (r) => reports.push(r) });
    (() => pool.release(pool.acquire(4096)))();
    leakOne(pool); // a real leak as the witness that collection happened
    await collectUntil(() => reports.length > 0);
    expect(reports).toHaveLength(1);
    expect(pool.stats().leaked).toBe(1);
  });

  test('registry callback path, deterministic (fake FinalizationRegistry: GC timing cannot be forced)', () => {
    const registries: FakeRegistry[] = [];
    class FakeRegistry {
      readonly registered = new Map<object, LeakReport>();
      constructor(readonly cleanup: (held: LeakReport) => void) {
        registries.push(this);
      }
      register(_target: object, held: LeakReport, token: object): void {
        this.registered.set(token, held);
      }
      unregister(token: object): boolean {
        return this.registered.delete(token);
      }
    }
    vi.stubGlobal('FinalizationRegistry', FakeRegistry);
    const reports: LeakReport[] = [];
    const pool = new BufferPool({ debug: true, onLeak: (r) => reports.push(r) });
    const registry = registries[0]!;
    const released = pool.acquire(100);
    pool.release(released);
    expect(registry.registered.size).toBe(0);
    pool.acquire(200);
    expect(registry.registered.size).toBe(1);
    const [held] = [...registry.registered.values()];
    registry.cleanup(held!);
    expect(reports).toEqual([expect.objectContaining({ size: 200, capacity: 1024 })]);
    expect(reports[0]!.acquiredAt).toContain('leak.test.ts');
    expect(pool.stats().leaked).toBe(1);
  });

  test('without onLeak a process warning with code PERF_BUFFER_POOL_LEAK is emitted', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const pool = new BufferPool({ debug: true });
      leakOne(pool);
      await collectUntil(() => warnings.some((w) => (w as { code?: string }).code === 'PERF_BUFFER_POOL_LEAK'));
      const warning = warnings.find((w) => (w as { code?: string }).code === 'PERF_BUFFER_POOL_LEAK');
      expect(warning?.message).toContain('leakOne');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

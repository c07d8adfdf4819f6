import { FAKE_NOW, useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import { Gauge, InvalidOptionError, InvalidValueError, Registry } from '../src/index.js';

describe('Gauge', () => {
  describe('under fake time', () => {
    useFakeTime();

    it('sets, adds, subtracts, times and reads a collect callback at scrape time', async () => {
      const registry = new Registry();
      const source = { depth: 7 };
      const g = new Gauge({ name: 'depth', help: 'Depth.', labelNames: ['q'], registry });
      g.set({ q: 'a' }, 5);
      g.inc({ q: 'a' }, 2);
      g.dec({ q: 'a' });
      g.labels({ q: 'b' }).dec(3);
      const pulled = new Gauge({
        name: 'pulled',
        help: 'Read from stats() at scrape time.',
        registry,
        collect() {
          this.set(source.depth);
        },
      });
      const t = new Gauge({ name: 'now_seconds', help: 'Now.', registry });
      t.setToCurrentTime();
      const end = new Gauge({ name: 'took_seconds', help: 'Took.', registry }).startTimer();
      vi.advanceTimersByTime(1500);
      expect(end()).toBeCloseTo(1.5, 6);
      source.depth = 9;
      const text = await registry.metrics();
      expect(text).toContain('depth{q="a"} 6\n');
      expect(text).toContain('depth{q="b"} -3\n');
      expect(text).toContain('pulled 9\n');
      expect(text).toContain(`now_seconds ${FAKE_NOW / 1000}\n`);
      expect(text).toContain('took_seconds 1.5\n');
      expect(pulled.get()).toBe(9);
    });
  });

  it('refuses NaN and non-numbers', () => {
    const g = new Gauge({ name: 'g', help: 'G.', registry: null });
    expect(() => g.set(Number.NaN)).toThrow(InvalidValueError);
    expect(() => g.inc('1' as unknown as number)).toThrow(InvalidValueError);
    g.set(Number.NEGATIVE_INFINITY);
    expect(g.get()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('refuses an unknown aggregate rule at construction', () => {
    expect(() => new Gauge({ name: 'g', help: 'G.', registry: null, aggregate: 'median' as never })).toThrow(
      InvalidOptionError,
    );
  });
});

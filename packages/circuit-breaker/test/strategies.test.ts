import { describe, expect, it } from 'vitest';
import { ConsecutiveFailures, CountWindow, InvalidOptionError, TimeWindow } from '../src/index.js';

describe('ConsecutiveFailures', () => {
  it('opens at the threshold; a success resets', () => {
    const s = new ConsecutiveFailures(3);
    expect([s.record(true), s.record(true), s.record(false), s.record(true), s.record(true)]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(s.record(true)).toBe(true);
  });

  it('refuses a threshold below 1', () => {
    expect(() => new ConsecutiveFailures(0)).toThrow(InvalidOptionError);
  });
});

describe('CountWindow', () => {
  it('applies no rate before minimumCalls, then opens at the failure rate', () => {
    const s = new CountWindow({ size: 10, minimumCalls: 4, failureRateThreshold: 50 });
    expect(s.record(true, false)).toBe(false);
    expect(s.record(true, false)).toBe(false);
    expect(s.record(false, false)).toBe(false);
    expect(s.record(false, false)).toBe(true); // 2 of 4 = 50 %
  });

  it('forgets calls that slid out of the window', () => {
    const s = new CountWindow({ size: 4, minimumCalls: 4, failureRateThreshold: 75 });
    s.record(false, false);
    s.record(true, false);
    s.record(true, false);
    expect(s.record(false, false)).toBe(false); // 2 of 4
    expect(s.record(true, false)).toBe(true); // the first success slid out: 3 of 4 (not 3 of 5)
  });

  it('opens on the slow-call rate and round-trips through a snapshot', () => {
    const s = new CountWindow({ size: 5, minimumCalls: 2, slowCallDurationMs: 10, slowCallRateThreshold: 100 });
    expect(s.slowCallDurationMs).toBe(10);
    expect(s.record(false, true)).toBe(false);
    const copy = new CountWindow({ size: 5, minimumCalls: 2, slowCallDurationMs: 10, slowCallRateThreshold: 100 });
    copy.restore(JSON.parse(JSON.stringify(s.snapshot())));
    expect(copy.record(false, true)).toBe(true);
    expect(s.record(false, false)).toBe(false);
  });

  it('refuses bad options', () => {
    expect(() => new CountWindow({ size: 0 })).toThrow(InvalidOptionError);
    expect(() => new CountWindow({ size: 5, minimumCalls: 6 })).toThrow(/at most size/);
    expect(() => new CountWindow({ failureRateThreshold: 0 })).toThrow(/percentage/);
    expect(() => new CountWindow({ slowCallRateThreshold: 101 })).toThrow(/percentage/);
  });
});

describe('TimeWindow', () => {
  const window = () => new TimeWindow({ windowMs: 1_000, buckets: 10, minimumCalls: 2, failureRateThreshold: 50 });

  it('counts calls of the last windowMs only', () => {
    expect(window().record(true, false, 0)).toBe(false); // 1 call, below minimumCalls
    const t = window();
    t.record(true, false, 0);
    expect(t.record(false, false, 1_000)).toBe(false); // the failure at t=0 fell out of the window
    expect(t.record(false, false, 1_050)).toBe(false);
    expect(t.record(true, false, 1_060)).toBe(false); // 1 of 3
    expect(t.record(true, false, 1_070)).toBe(true); // 2 of 4
  });

  it('a gap longer than the window clears it; memory stays fixed', () => {
    const s = window();
    for (let t = 0; t < 900; t += 10) s.record(false, false, t);
    const size = s.snapshot().data.length;
    expect(s.record(true, false, 1_000_000)).toBe(false); // only this call is left
    expect(s.snapshot().data.length).toBe(size);
    expect(s.record(true, false, 1_000_001)).toBe(true);
  });

  it('round-trips through a snapshot and refuses one of another shape', () => {
    const s = window();
    s.record(true, false, 100);
    const copy = window();
    copy.restore(s.snapshot());
    expect(copy.record(true, false, 200)).toBe(true);
    const other = new TimeWindow({ buckets: 5 });
    expect(() => other.restore(s.snapshot())).toThrow(/5 buckets/);
    expect(() => other.restore({ type: 'count-window', data: [] })).toThrow(InvalidOptionError);
  });

  it('refuses bad options', () => {
    expect(() => new TimeWindow({ windowMs: 0 })).toThrow(InvalidOptionError);
    expect(() => new TimeWindow({ buckets: 0 })).toThrow(InvalidOptionError);
    expect(() => new TimeWindow({ minimumCalls: 0 })).toThrow(InvalidOptionError);
  });
});

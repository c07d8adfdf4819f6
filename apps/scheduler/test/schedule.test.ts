// Schedules: seconds, descriptors, @every, time zones and what happens at
// daylight-saving changes (the README's table comes from these cases).
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../src/schedule/schedule.js';

const NOW = Date.UTC(2030, 0, 1);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
/** The first `n` ticks after `from` (each computed from the previous one, as the scheduler does). */
function ticks(text: string, from: string, n: number, timezone?: string): (string | undefined)[] {
  const { schedule } = parseSchedule(text, timezone, NOW);
  const out: (string | undefined)[] = [];
  let t: number | undefined = Date.parse(from);
  for (let i = 0; i < n && t !== undefined; i++) {
    t = schedule.next(t);
    out.push(iso(t));
  }
  return out;
}

describe('syntax', () => {
  it('6 fields start with seconds, 5 with minutes (robfig/cron with optional seconds)', () => {
    expect(ticks('*/20 * * * * *', '2030-01-01T00:00:00Z', 3, 'UTC')).toEqual([
      '2030-01-01T00:00:20.000Z',
      '2030-01-01T00:00:40.000Z',
      '2030-01-01T00:01:00.000Z',
    ]);
    expect(ticks('0 1 * * *', '2030-01-01T00:00:00Z', 2, 'UTC')).toEqual([
      '2030-01-01T01:00:00.000Z',
      '2030-01-02T01:00:00.000Z',
    ]);
  });

  it('@daily, @midnight, @hourly, @weekly, @monthly, @yearly', () => {
    const first = (text: string) => ticks(text, '2030-01-01T10:30:00Z', 1, 'UTC')[0];
    expect(first('@daily')).toBe('2030-01-02T00:00:00.000Z');
    expect(first('@midnight')).toBe('2030-01-02T00:00:00.000Z');
    expect(first('@hourly')).toBe('2030-01-01T11:00:00.000Z');
    expect(first('@weekly')).toBe('2030-01-06T00:00:00.000Z'); // a Sunday
    expect(first('@monthly')).toBe('2030-02-01T00:00:00.000Z');
    expect(first('@yearly')).toBe('2031-01-01T00:00:00.000Z');
  });

  it('a day of month and a day of week both given match either (Vixie cron, robfig)', () => {
    // The 1st of the month or a Monday.
    expect(ticks('0 0 1 * 1', '2030-01-25T00:00:00Z', 3, 'UTC')).toEqual([
      '2030-01-28T00:00:00.000Z',
      '2030-02-01T00:00:00.000Z',
      '2030-02-04T00:00:00.000Z',
    ]);
  });

  it('@every ticks at multiples of its interval since the epoch, so every instance agrees', () => {
    expect(ticks('@every 10s', '2030-01-01T00:00:03.250Z', 3)).toEqual([
      '2030-01-01T00:00:10.000Z',
      '2030-01-01T00:00:20.000Z',
      '2030-01-01T00:00:30.000Z',
    ]);
    expect(ticks('@every 1h30m', '2030-01-01T00:00:00Z', 2)).toEqual([
      '2030-01-01T01:30:00.000Z',
      '2030-01-01T03:00:00.000Z',
    ]);
    expect(parseSchedule('@every 250ms', undefined, NOW).schedule.next(NOW + 1)).toBe(NOW + 250);
  });

  it('@triggered, @manual and @none never tick: such a job runs when asked', () => {
    for (const text of ['@triggered', '@manual', '@none']) {
      expect(parseSchedule(text, undefined, NOW).schedule.next(NOW)).toBeUndefined();
    }
  });

  it('CRON_TZ= (or TZ=) before the fields sets the time zone, as in robfig/cron', () => {
    expect(ticks('CRON_TZ=Asia/Tokyo 0 9 * * *', '2030-01-01T00:00:00Z', 1)).toEqual(['2030-01-02T00:00:00.000Z']);
    expect(ticks('TZ=America/New_York 0 9 * * *', '2030-01-01T00:00:00Z', 1)).toEqual(['2030-01-01T14:00:00.000Z']);
    expect(() => parseSchedule('CRON_TZ=UTC 0 9 * * *', 'Europe/Berlin', NOW)).toThrow(
      "names time zone UTC but the job's timezone is Europe/Berlin: keep one of them",
    );
  });
});

// Europe/Berlin: on 2030-03-31 clocks go from 02:00 CET (+1) to 03:00 CEST (+2);
// on 2030-10-27 from 03:00 CEST back to 02:00 CET.
describe('daylight-saving changes (Europe/Berlin)', () => {
  const zone = 'Europe/Berlin';

  it('spring forward: a time inside the skipped hour runs once, an hour later by the clock (02:30 → 03:30 CEST)', () => {
    expect(ticks('30 2 * * *', '2030-03-30T12:00:00Z', 3, zone)).toEqual([
      '2030-03-31T01:30:00.000Z', // 03:30 CEST
      '2030-04-01T00:30:00.000Z', // 02:30 CEST
      '2030-04-02T00:30:00.000Z',
    ]);
  });

  it('spring forward: an hourly job runs once per real hour, never twice at the change', () => {
    expect(ticks('0 * * * *', '2030-03-30T23:30:00Z', 4, zone)).toEqual([
      '2030-03-31T00:00:00.000Z', // 01:00 CET
      '2030-03-31T01:00:00.000Z', // 03:00 CEST (02:00 does not exist)
      '2030-03-31T02:00:00.000Z', // 04:00 CEST
      '2030-03-31T03:00:00.000Z',
    ]);
  });

  it('fall back: a time inside the repeated hour runs once, at its first occurrence (02:30 CEST)', () => {
    expect(ticks('30 2 * * *', '2030-10-26T12:00:00Z', 2, zone)).toEqual([
      '2030-10-27T00:30:00.000Z', // 02:30 CEST, not again at 02:30 CET
      '2030-10-28T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('fall back: a job on wall-clock minutes skips the repeated hour (two real hours between 02:00 CEST and 03:00 CET)', () => {
    expect(ticks('0 * * * *', '2030-10-26T23:30:00Z', 3, zone)).toEqual([
      '2030-10-27T00:00:00.000Z', // 02:00 CEST
      '2030-10-27T02:00:00.000Z', // 03:00 CET: 02:00 CET (01:00Z) is not run
      '2030-10-27T03:00:00.000Z',
    ]);
  });

  it('@every counts real time and is not moved by either change', () => {
    expect(ticks('@every 1h', '2030-10-26T23:30:00Z', 4)).toEqual([
      '2030-10-27T00:00:00.000Z',
      '2030-10-27T01:00:00.000Z',
      '2030-10-27T02:00:00.000Z',
      '2030-10-27T03:00:00.000Z',
    ]);
  });
});

// Schedules in Ofelia's syntax (robfig/cron v3 with optional seconds):
// - 5 fields (minute first) or 6 (seconds first), evaluated by croner, with an
//   optional `CRON_TZ=Europe/Berlin ` (or `TZ=`) prefix or a job's timezone;
// - the descriptors @yearly @annually @monthly @weekly @daily @midnight @hourly;
// - `@every <Go duration>`: ticks at whole multiples of the interval since the
//   Unix epoch, so that every instance of a fleet computes the same ticks
//   (robfig counts from when the job was added, which differs per process);
// - `@triggered` (`@manual`, `@none`): never by time, only by run-now.
// A tick is a wall-clock instant in ms; `next(t)` is the first tick > t.
import { Cron } from 'croner';
import { formatDuration, parseDuration } from '../ini/values.js';

export interface Schedule {
  /** The schedule as written. */
  readonly text: string;
  /** The IANA time zone of a cron schedule (undefined: the process's local time). */
  readonly timezone: string | undefined;
  /** The interval of an `@every` schedule in ms. */
  readonly everyMs: number | undefined;
  /** The first tick strictly after `afterMs`; undefined when there is none (`@triggered`). */
  next(afterMs: number): number | undefined;
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  readonly code = 'SCHEDULER_INVALID_SCHEDULE';
}

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const TRIGGERED = new Set(['@triggered', '@manual', '@none']);

/** The smallest `@every` accepted: below it a tick could not start before the next is due. */
export const MIN_EVERY_MS = 10;

export interface ParsedSchedule {
  readonly schedule: Schedule;
  /** Differences from Ofelia worth a warning (the schedule still loads). */
  readonly warnings: string[];
}

/**
 * Parses a schedule; `timezone` is the job's (or the global) time zone, used
 * unless the text has its own `CRON_TZ=` prefix. Throws `ScheduleError` with a
 * message that says what is wrong, including schedules that never fire
 * (`0 0 31 2 *`), checked from `nowMs`.
 */
export function parseSchedule(text: string, timezone: string | undefined, nowMs: number): ParsedSchedule {
  let rest = text.trim();
  let zone = timezone;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(rest);
  if (tz !== null) {
    if (timezone !== undefined && tz[1] !== timezone) {
      throw new ScheduleError(`names time zone ${tz[1]} but the job's timezone is ${timezone}: keep one of them`);
    }
    zone = tz[1];
    rest = (tz[2] as string).trim();
  }
  if (rest === '') throw new ScheduleError('is empty: write a cron expression such as "0 3 * * *" or @every 10s');
  const lower = rest.toLowerCase();
  if (TRIGGERED.has(lower)) return { schedule: new TriggeredSchedule(text), warnings: [] };
  if (lower.startsWith('@every')) {
    if (tz !== null) throw new ScheduleError('@every does not take a time zone: it counts real time');
    return everySchedule(text, rest.slice('@every'.length).trim());
  }
  if (rest.startsWith('@')) {
    const pattern = DESCRIPTORS[lower];
    if (pattern === undefined) {
      throw new ScheduleError(
        `unknown descriptor ${rest}: use one of ${[...Object.keys(DESCRIPTORS), '@every <duration>', '@triggered'].join(', ')}`,
      );
    }
    return { schedule: cronSchedule(text, pattern, zone, nowMs), warnings: [] };
  }
  const fields = rest.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ScheduleError(
      `has ${fields.length} fields; write 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first)`,
    );
  }
  return { schedule: cronSchedule(text, fields.join(' '), zone, nowMs), warnings: [] };
}

function cronSchedule(text: string, pattern: string, timezone: string | undefined, nowMs: number): Schedule {
  let cron: Cron;
  try {
    // domAndDow false: a day-of-month and a day-of-week both given match either (Vixie cron and robfig).
    cron = new Cron(pattern, { paused: true, domAndDow: false, ...(timezone === undefined ? {} : { timezone }) });
    cron.nextRun(new Date(nowMs)); // an unknown time zone only throws here
  } catch (error) {
    const reason = (error as Error).message.replace(/^Cron\w*:\s*/, '');
    throw new ScheduleError(
      timezone !== undefined && /timezone/i.test(reason)
        ? `time zone ${timezone} is not a known IANA zone (e.g. Europe/Berlin, America/New_York, UTC)`
        : `is not a valid cron expression: ${reason}`,
    );
  }
  const schedule: Schedule = {
    text,
    timezone,
    everyMs: undefined,
    next(afterMs) {
      return cron.nextRun(new Date(afterMs))?.getTime() ?? undefined;
    },
  };
  if (schedule.next(nowMs) === undefined) {
    throw new ScheduleError('never fires: no date matches it (a day that does not exist in that month, such as 31 2)');
  }
  return schedule;
}

function everySchedule(text: string, durationText: string): ParsedSchedule {
  const parsed = parseDuration(durationText);
  if (parsed === undefined || durationText === '') {
    throw new ScheduleError(`@every needs a duration such as 10s, 5m or 1h30m; got "${durationText}"`);
  }
  const ms = Math.round(parsed); // ticks are whole milliseconds
  if (ms < MIN_EVERY_MS) throw new ScheduleError(`@every ${durationText} is shorter than ${MIN_EVERY_MS}ms`);
  const warnings: string[] = [];
  if (ms < 1_000 || ms % 1_000 !== 0) {
    const ofelia = Math.max(1_000, Math.floor(ms / 1_000) * 1_000);
    warnings.push(
      `@every ${durationText}: Ofelia rounds this down to whole seconds (every ${formatDuration(ofelia)}); this scheduler ticks every ${formatDuration(ms)}`,
    );
  }
  const schedule: Schedule = {
    text,
    timezone: undefined,
    everyMs: ms,
    next(afterMs) {
      return (Math.floor(afterMs / ms) + 1) * ms;
    },
  };
  return { schedule, warnings };
}

class TriggeredSchedule implements Schedule {
  readonly timezone = undefined;
  readonly everyMs = undefined;
  constructor(readonly text: string) {}
  next(): undefined {
    return undefined;
  }
}

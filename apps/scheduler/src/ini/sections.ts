// How each section of the file becomes settings: [global], the four job
// types and [webhook "name"]. Key names and defaults are Ofelia's where
// Ofelia has the key (mcuadros/ofelia, or the netresearch fork for retries,
// max-runtime, webhooks and notification-cooldown); the rest are ours and
// documented in the README.

import { splitCommand } from '../jobs/commandLine.js';
import type {
  ExecJob,
  HttpJob,
  LocalJob,
  OverlapPolicy,
  PullPolicy,
  RetryPolicy,
  RunJob,
  WebhookSpec,
  WebhookTrigger,
} from '../jobs/spec.js';
import { parseSchedule, type Schedule } from '../schedule/schedule.js';
import type { SectionReader } from './sectionReader.js';
import { UNSUPPORTED_GLOBAL_KEYS, UNSUPPORTED_JOB_KEYS, UNSUPPORTED_WEBHOOK_KEYS } from './unsupportedKeys.js';
import { parseBool } from './values.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const HOUR = 3_600_000;
/** The largest output class of the buffer pool: one run never keeps more. */
export const MAX_OUTPUT_LIMIT = 10 * MiB;

export interface GlobalDefaults {
  readonly timezone: string | undefined;
  readonly maxRuntimeMs: number;
  readonly maxOutputBytes: number;
  readonly notificationCooldownMs: number;
  readonly webhooks: readonly string[];
  readonly defaultUser: string;
}

export const BUILT_IN_DEFAULTS: GlobalDefaults = {
  timezone: undefined,
  maxRuntimeMs: 24 * HOUR,
  maxOutputBytes: 1 * MiB,
  notificationCooldownMs: 0,
  webhooks: [],
  defaultUser: 'root',
};

function timezoneOf(r: SectionReader): string | undefined {
  const tz = r.optionalString('timezone');
  if (tz === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    r.error('timezone', `"${tz}" is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
    return undefined;
  }
}

export function readGlobal(r: SectionReader): GlobalDefaults {
  const d = BUILT_IN_DEFAULTS;
  const global: GlobalDefaults = {
    timezone: timezoneOf(r),
    maxRuntimeMs: r.duration('max-runtime', d.maxRuntimeMs, { minMs: 10, maxMs: 30 * 24 * HOUR }),
    maxOutputBytes: r.bytes('max-output', d.maxOutputBytes, { min: 64, max: MAX_OUTPUT_LIMIT }),
    notificationCooldownMs: r.duration('notification-cooldown', 0, { minMs: 0, maxMs: 30 * 24 * HOUR }),
    webhooks: r.commaList('webhook-webhooks'),
    defaultUser: r.string('default-user', d.defaultUser),
  };
  r.unsupported(UNSUPPORTED_GLOBAL_KEYS);
  r.done();
  return global;
}

/** The settings every job type shares; undefined values mean the section had an error there. */
export interface CommonSettings {
  readonly schedule: Schedule | undefined;
  readonly overlap: OverlapPolicy;
  readonly queueSize: number;
  readonly retry: RetryPolicy;
  readonly maxRuntimeMs: number;
  readonly maxOutputBytes: number;
  readonly webhooks: readonly string[];
  readonly runOnStartup: boolean;
}

export function readCommon(r: SectionReader, global: GlobalDefaults, nowMs: number): CommonSettings {
  const timezone = timezoneOf(r) ?? global.timezone;
  const text = r.required(
    'schedule',
    'a cron expression ("0 3 * * *", "*/10 * * * * *"), @daily, @every 10s or @triggered',
  );
  let schedule: Schedule | undefined;
  if (text !== undefined) {
    try {
      const parsed = parseSchedule(text, timezone, nowMs);
      schedule = parsed.schedule;
      for (const w of parsed.warnings) r.warning('schedule', w);
    } catch (error) {
      r.error('schedule', `"${text}" ${(error as Error).message}`);
    }
  }
  const noOverlap = r.has('no-overlap') ? r.bool('no-overlap', false) : undefined;
  let overlap = r.oneOf('overlap', ['allow', 'skip', 'queue'], noOverlap ? 'skip' : 'allow');
  if (noOverlap !== undefined && r.has('overlap')) {
    if (noOverlap && overlap === 'allow') {
      r.error('overlap', 'overlap = allow contradicts no-overlap = true: keep one of them');
    } else if (!noOverlap && overlap !== 'allow') {
      r.error('overlap', `overlap = ${overlap} contradicts no-overlap = false: keep one of them`);
    }
  } else if (noOverlap === false) overlap = 'allow';
  const queueSize = r.integer('queue-size', 1, { min: 1, max: 1_000 });
  if (r.has('queue-size') && overlap !== 'queue') r.warning('queue-size', 'only applies with overlap = queue');
  const retry: RetryPolicy = {
    maxRetries: r.integer('max-retries', 0, { min: 0, max: 100 }),
    delayMs: r.integer('retry-delay-ms', 1_000, { min: 0, max: 24 * HOUR }),
    exponential: r.bool('retry-exponential', true),
    maxDelayMs: r.integer('retry-max-delay-ms', 60_000, { min: 0, max: 24 * HOUR }),
  };
  return {
    schedule,
    overlap,
    queueSize,
    retry,
    maxRuntimeMs: r.duration('max-runtime', global.maxRuntimeMs, { minMs: 10, maxMs: 30 * 24 * HOUR }),
    maxOutputBytes: r.bytes('max-output', global.maxOutputBytes, { min: 64, max: MAX_OUTPUT_LIMIT }),
    webhooks: [...new Set([...global.webhooks, ...r.commaList('webhooks')])],
    runOnStartup: r.bool('run-on-startup', false),
  };
}

/** A command split into arguments, with a warning when the INI format removed double quotes from it. */
function commandOf(
  r: SectionReader,
  required: boolean,
  quoted: boolean,
): { command: string; argv: string[] } | undefined {
  const command = required
    ? r.required('command', 'the command to run, e.g. command = touch /tmp/example')
    : r.optionalString('command');
  if (command === undefined) return undefined;
  const argv = splitCommand(command);
  if (argv.length === 0) {
    if (required) r.error('command', 'is empty: give the command to run');
    return undefined;
  }
  if (quoted) {
    r.warning(
      'command',
      `double quotes are removed by the INI format (as in Ofelia), so this runs ${JSON.stringify(argv)}; quote arguments with '…' instead`,
    );
  }
  return { command, argv };
}

function environmentOf(r: SectionReader): string[] {
  const env = r.list('environment');
  for (const e of env) {
    if (!/^[^=\s]+=/.test(e)) r.error('environment', `"${e}" is not NAME=value (one variable per environment line)`);
  }
  return env;
}

type Base = CommonSettings & { readonly name: string; readonly source: string };
type Ready<T> = Omit<T, 'schedule'> & { readonly schedule: Schedule | undefined };

export function readLocal(r: SectionReader, base: Base, quoted: boolean): Ready<LocalJob> | undefined {
  const cmd = commandOf(r, true, quoted);
  const job = {
    ...base,
    type: 'local' as const,
    command: cmd?.command ?? '',
    argv: cmd?.argv ?? [],
    dir: r.optionalString('dir'),
    environment: environmentOf(r),
  };
  return finish(r, job);
}

function parseExpectStatus(r: SectionReader): [number, number][] {
  const raw = r.optionalString('expect-status') ?? '2xx';
  const ranges: [number, number][] = [];
  for (const part of raw.split(',').map((s) => s.trim().toLowerCase())) {
    const xx = /^([1-5])xx$/.exec(part);
    const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(part);
    if (xx !== null) ranges.push([Number(xx[1]) * 100, Number(xx[1]) * 100 + 99]);
    else if (range !== null) ranges.push([Number(range[1]), Number(range[2])]);
    else if (/^\d{3}$/.test(part)) ranges.push([Number(part), Number(part)]);
    else
      r.error(
        'expect-status',
        `"${part}" is not a status: write codes (204), ranges (200-299) or classes (2xx), comma-separated`,
      );
  }
  return ranges;
}

export function readHttp(r: SectionReader, base: Base): Ready<HttpJob> | undefined {
  const url = r.required('url', 'the URL to call, e.g. url = https://example.com/hook');
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      r.error('url', `"${url}" is not a URL`);
    }
    if (parsed !== undefined && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      r.error('url', `"${url}" must be an http: or https: URL`);
    }
  }
  const method = r.string('method', 'GET').trim().toUpperCase();
  if (!/^[A-Z]+$/.test(method)) r.error('method', `"${method}" is not an HTTP method`);
  const headers: Record<string, string> = {};
  for (const h of r.list('header')) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(h);
    if (m === null) r.error('header', `"${h}" is not Name: value (one header per header line)`);
    else headers[(m[1] as string).toLowerCase()] = m[2] as string;
  }
  const job = {
    ...base,
    type: 'http' as const,
    url: url ?? '',
    method,
    headers,
    body: r.optionalString('body'),
    expectStatus: parseExpectStatus(r),
  };
  return finish(r, job);
}

export function readExec(
  r: SectionReader,
  base: Base,
  global: GlobalDefaults,
  quoted: boolean,
): Ready<ExecJob> | undefined {
  const container = r.required('container', 'the name or id of the running container to execute the command in');
  const cmd = commandOf(r, true, quoted);
  const job = {
    ...base,
    type: 'exec' as const,
    container: container ?? '',
    command: cmd?.command ?? '',
    argv: cmd?.argv ?? [],
    user: r.string('user', global.defaultUser),
    tty: r.bool('tty', false),
    environment: environmentOf(r),
    workingDir: r.optionalString('working-dir'),
  };
  return finish(r, job);
}

function pullOf(r: SectionReader): PullPolicy {
  const raw = r.optionalString('pull');
  if (raw === undefined) return 'always'; // mcuadros/ofelia: pull = true by default
  const v = raw.trim().toLowerCase();
  if (v === 'always' || v === 'never' || v === 'if-not-present') return v;
  const b = parseBool(v);
  if (b === undefined) {
    r.error('pull', `got "${raw}"; write true, false, always, never or if-not-present`);
    return 'always';
  }
  // Ofelia: true pulls first (falling back to a local image), false uses the local image and pulls only when missing.
  return b ? 'always' : 'if-not-present';
}

export function readRun(
  r: SectionReader,
  base: Base,
  global: GlobalDefaults,
  quoted: boolean,
): Ready<RunJob> | undefined {
  const image = r.optionalString('image');
  const container = r.optionalString('container');
  if (image === undefined && container === undefined) {
    r.error(undefined, 'needs image = … (to run a new container) or container = … (to start an existing one)');
  } else if (image !== undefined && container !== undefined) {
    r.warning('image', 'is not used: with container = … the job starts that container, as Ofelia does');
  }
  const cmd = commandOf(r, false, quoted);
  const job = {
    ...base,
    type: 'run' as const,
    image: container === undefined ? image : undefined,
    container,
    command: cmd?.command,
    argv: cmd?.argv,
    user: r.string('user', global.defaultUser),
    tty: r.bool('tty', false),
    environment: environmentOf(r),
    network: r.optionalString('network'),
    hostname: r.optionalString('hostname'),
    volumes: r.list('volume'),
    volumesFrom: r.list('volumes-from'),
    workingDir: r.optionalString('working-dir'),
    remove: r.bool('delete', true),
    pull: pullOf(r),
  };
  return finish(r, job);
}

function finish<T>(r: SectionReader, job: T): T | undefined {
  r.unsupported(UNSUPPORTED_JOB_KEYS);
  r.done();
  return r.failed ? undefined : job;
}

const TRIGGERS: Readonly<Record<string, WebhookTrigger>> = {
  always: 'always',
  error: 'error',
  failure: 'error',
  success: 'success',
  skipped: 'skipped',
};

export function readWebhook(r: SectionReader, name: string, source: string): WebhookSpec | undefined {
  const preset = r.optionalString('preset');
  if (preset !== undefined && preset.trim().toLowerCase() !== 'json-post') {
    r.error(
      'preset',
      `"${preset}" is not implemented: only json-post (the default) is; remove preset and give the url`,
    );
  }
  const url = r.required('url', 'the URL the JSON notification is POSTed to');
  if (url !== undefined) {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') r.error('url', `"${url}" must be an http: or https: URL`);
    } catch {
      r.error('url', `"${url}" is not a URL`);
    }
  }
  const triggerText = r.string('trigger', 'error').trim().toLowerCase();
  const trigger = TRIGGERS[triggerText];
  if (trigger === undefined) r.error('trigger', `got "${triggerText}"; write always, error, success or skipped`);
  const spec: WebhookSpec = {
    name,
    url: url ?? '',
    trigger: trigger ?? 'error',
    timeoutMs: r.duration('timeout', 30_000, { minMs: 10, maxMs: 10 * 60_000 }),
    retryCount: r.integer('retry-count', 3, { min: 0, max: 100 }),
    retryDelayMs: r.duration('retry-delay', 5_000, { minMs: 0, maxMs: HOUR }),
    link: r.optionalString('link'),
    linkText: r.optionalString('link-text'),
    source,
  };
  r.unsupported(UNSUPPORTED_WEBHOOK_KEYS);
  r.done();
  return r.failed ? undefined : spec;
}

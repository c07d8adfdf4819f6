// Reads an Ofelia-style INI file into jobs and webhooks. Problems never stop
// the rest of the file: a job with an error is left out (and named in the
// problems), every other job loads, so one typo does not stop the schedule.
import { basename } from 'node:path';
import type { JobSpec, SchedulerConfig, WebhookSpec } from '../jobs/spec.js';
import { type IniSection, parseIni } from './parse.js';
import { type ConfigProblem, ProblemList } from './problems.js';
import { SectionReader } from './sectionReader.js';
import {
  BUILT_IN_DEFAULTS,
  type GlobalDefaults,
  readCommon,
  readExec,
  readGlobal,
  readHttp,
  readLocal,
  readRun,
  readWebhook,
} from './sections.js';
import { substituteEnv } from './substitute.js';

export interface LoadedConfig {
  readonly config: SchedulerConfig;
  readonly problems: readonly ConfigProblem[];
}

export interface LoadOptions {
  /** The file's name in messages (its base name is used). */
  readonly file: string;
  /** For `${VAR}` substitution. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** "Now" for checking that schedules fire. Default `Date.now()`. */
  readonly nowMs?: number;
}

const JOB_SECTIONS = new Set(['job-local', 'job-exec', 'job-run', 'job-http']);
const KNOWN_UNSUPPORTED_JOBS: Readonly<Record<string, string>> = {
  'job-service-run': 'runs a Docker Swarm service, which this scheduler does not support; use job-run',
  'job-compose': 'runs docker compose, which this scheduler does not support; use job-run or job-exec',
};

export function loadConfig(source: string, options: LoadOptions): LoadedConfig {
  const file = basename(options.file);
  const env = options.env ?? process.env;
  const nowMs = options.nowMs ?? Date.now();
  const problems = new ProblemList(file);
  const sections = mergeRepeated(substitute(warnCommentCuts(parseIni(source, problems), problems), env, problems));

  const globalSection = sections.find((s) => s.name === 'global' && s.subsection === undefined);
  if (globalSection?.broken) {
    problems.error(globalSection.line, 'global', undefined, 'has a syntax error: none of its settings are used');
  }
  const global: GlobalDefaults =
    globalSection && !globalSection.broken ? readGlobal(new SectionReader(globalSection, problems)) : BUILT_IN_DEFAULTS;

  const webhooks: WebhookSpec[] = [];
  for (const s of sections.filter((x) => x.name === 'webhook' && !x.broken)) {
    const r = new SectionReader(s, problems);
    if (s.subsection === undefined) {
      r.error(undefined, 'needs a name: [webhook "name"]');
      continue;
    }
    const w = readWebhook(r, s.subsection, `${file}:${s.line}`);
    if (w !== undefined) webhooks.push(w);
  }
  const webhookNames = new Set(webhooks.map((w) => w.name));

  const jobs: JobSpec[] = [];
  const names = new Map<string, IniSection>();
  for (const s of sections) {
    if (s.broken) continue; // its syntax error is reported; none of it is used
    if (s.name === 'global' || s.name === 'webhook') {
      if (s.name === 'global' && s.subsection !== undefined) {
        problems.error(s.line, s.label, undefined, '[global] takes no name: write [global]');
      }
      continue;
    }
    if (s.name === 'docker') {
      problems.warning(
        s.line,
        s.label,
        undefined,
        'Docker label discovery is not implemented; this section is ignored',
      );
      continue;
    }
    const unsupported = KNOWN_UNSUPPORTED_JOBS[s.name];
    if (unsupported !== undefined) {
      problems.error(s.line, s.label, undefined, `[${s.name}] ${unsupported}; this job is not loaded`);
      continue;
    }
    if (!JOB_SECTIONS.has(s.name)) {
      const what = s.name.startsWith('job-')
        ? `unknown job type ${s.name}: use job-local, job-exec, job-run or job-http`
        : `unknown section [${s.name}]: use [global], [job-local "name"], [job-exec "name"], [job-run "name"], [job-http "name"] or [webhook "name"]`;
      problems.error(s.line, s.label, undefined, `${what}; this section is not loaded`);
      continue;
    }
    const r = new SectionReader(s, problems);
    if (s.subsection === undefined) {
      r.error(undefined, `needs a name: [${s.name} "name"]; this job is not loaded`);
      continue;
    }
    const previous = names.get(s.subsection);
    if (previous !== undefined) {
      r.error(
        undefined,
        `a job named "${s.subsection}" is already defined at line ${previous.line}; job names must be unique`,
      );
      continue;
    }
    names.set(s.subsection, s);
    const common = readCommon(r, global, nowMs);
    for (const w of common.webhooks) {
      if (!webhookNames.has(w)) {
        r.error(
          'webhooks',
          `no [webhook "${w}"] section is defined (or it has an error): define it or remove the name`,
        );
      }
    }
    const base = { ...common, name: s.subsection, source: `${file}:${s.line}` };
    const quoted = s.entries.some((e) => e.key === 'command' && quotesRemovedInside(e.raw));
    const job =
      s.name === 'job-local'
        ? readLocal(r, base, quoted)
        : s.name === 'job-http'
          ? readHttp(r, base)
          : s.name === 'job-exec'
            ? readExec(r, base, global, quoted)
            : readRun(r, base, global, quoted);
    if (job === undefined || job.schedule === undefined) continue;
    jobs.push(job as JobSpec);
  }
  return {
    config: { jobs, webhooks, global: { notificationCooldownMs: global.notificationCooldownMs } },
    problems: problems.items,
  };
}

/** Quotes that split a value differently once removed: not a pair around the whole value. */
function quotesRemovedInside(raw: string): boolean {
  const count = raw.split('"').length - 1;
  return count > 0 && !(count === 2 && raw.startsWith('"') && raw.endsWith('"'));
}

/**
 * A `;` or `#` inside '…' ends the value there (a comment, as in Ofelia), and
 * double quotes inside a value are removed: both are worth a warning (the
 * command's own one, with its arguments, comes from the job's reader).
 */
function warnCommentCuts(sections: IniSection[], problems: ProblemList): IniSection[] {
  for (const s of sections) {
    for (const e of s.entries) {
      if (e.key !== 'command' && e.value !== undefined && quotesRemovedInside(e.raw)) {
        problems.warning(
          e.line,
          s.label,
          e.key,
          `double quotes are removed by the INI format (as in Ofelia), so the value is ${JSON.stringify(e.value)}; write \\" for a quote, e.g. "{\\"a\\":1}"`,
        );
      }
      if (e.endedByComment && e.value !== undefined && (e.value.split("'").length - 1) % 2 === 1) {
        problems.warning(
          e.line,
          s.label,
          e.key,
          `the value stops at a ; or # inside '…' (the rest of the line is a comment in the INI format, as in Ofelia): wrap the whole value in double quotes to keep it`,
        );
      }
    }
  }
  return sections;
}

/** `${VAR}` in every value; an unset variable without a default is warned about. */
function substitute(
  sections: IniSection[],
  env: Readonly<Record<string, string | undefined>>,
  problems: ProblemList,
): IniSection[] {
  for (const s of sections) {
    for (let i = 0; i < s.entries.length; i++) {
      const e = s.entries[i]!;
      if (e.value === undefined || !e.value.includes('${')) continue;
      const { value, missing } = substituteEnv(e.value, env);
      for (const name of missing) {
        problems.warning(e.line, s.label, e.key, `\${${name}} is not set in the environment and is kept as written`);
      }
      s.entries[i] = { ...e, value };
    }
  }
  return sections;
}

/** gcfg merges a section written twice (`[job-local "a"]` … `[job-local "a"]`) into one. */
function mergeRepeated(sections: IniSection[]): IniSection[] {
  const byKey = new Map<string, IniSection>();
  const out: IniSection[] = [];
  for (const s of sections) {
    const key = `${s.name}\u0000${s.subsection ?? ''}`;
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    first.entries.push(...s.entries);
    first.broken ||= s.broken;
  }
  return out;
}

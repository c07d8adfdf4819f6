// The INI dialect (gcfg's, which Ofelia reads) and every way a file can be
// wrong: each problem names the file, line, section and key, and the jobs
// around a bad one still load.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/ini/loadConfig.js';
import { formatProblem } from '../src/ini/problems.js';
import type { HttpJob, LocalJob } from '../src/jobs/spec.js';

const NOW = Date.UTC(2030, 0, 1);
const load = (text: string, env: Record<string, string> = {}) =>
  loadConfig(text, { file: '/etc/scheduler/jobs.ini', env, nowMs: NOW });
const messages = (text: string, env: Record<string, string> = {}) => load(text, env).problems.map(formatProblem);
const local = (text: string) => load(text).config.jobs[0] as LocalJob;

describe('values as gcfg reads them', () => {
  it('strips comments, blanks and double quotes; keeps ; and # inside quotes; continues lines ending in \\', () => {
    const job = local(
      [
        '# a comment',
        '[job-local "a"]   ; another',
        'schedule = @daily   # trailing comment',
        'command = echo "x ; y # z" \\',
        '  tail',
        'environment = "A=\\"quoted\\" \\\\ \\n"',
      ].join('\n'),
    );
    expect(job.command).toBe('echo x ; y # z   tail');
    expect(job.environment).toEqual(['A="quoted" \\ \n']);
  });

  it('ignores case in section and key names, not in job names', () => {
    const { config } = load('[JOB-LOCAL "Backup"]\nSchedule = @daily\nCOMMAND = true\n');
    expect(config.jobs[0]).toMatchObject({ name: 'Backup', type: 'local', argv: ['true'] });
  });

  it('a boolean key alone means true; a repeatable key alone empties its list', () => {
    const { config } = load(
      '[job-local "a"]\nschedule = @daily\ncommand = true\nenvironment = A=1\nenvironment\nenvironment = B=2\nno-overlap\n',
    );
    expect(config.jobs[0]).toMatchObject({ environment: ['B=2'], overlap: 'skip' });
  });

  it('merges a section written twice, as gcfg does, and warns about a key set twice', () => {
    const { config, problems } = load(
      '[job-local "a"]\nschedule = @daily\ncommand = one\n[job-local "b"]\nschedule = @daily\ncommand = x\n[job-local "a"]\ncommand = two\n',
    );
    expect((config.jobs.find((j) => j.name === 'a') as LocalJob).command).toBe('two');
    expect(problems.map(formatProblem)).toEqual([
      'jobs.ini:8: [job-local "a"] command: is set 2 times; the last one (line 8) is used',
    ]);
  });

  // The INI's own dollar-brace syntax, built with D so that it is not read as a template placeholder.
  const D = '$';
  it('substitutes environment variables, with and without a default; an unset one stays and is reported', () => {
    const { config, problems } = load(
      `[job-http "h"]\nschedule = @daily\nurl = ${D}{BASE:-http://127.0.0.1:1}/ping?k=${D}{KEY}&m=${D}{MISSING}\n`,
      { KEY: 's3cret' },
    );
    expect((config.jobs[0] as HttpJob).url).toBe(`http://127.0.0.1:1/ping?k=s3cret&m=${D}{MISSING}`);
    expect(problems.map(formatProblem)).toEqual([
      `jobs.ini:3: [job-http "h"] url: ${D}{MISSING} is not set in the environment and is kept as written`,
    ]);
  });
});

describe('malformed files: a clear message, and the other jobs still load', () => {
  const good = '[job-local "good"]\nschedule = @daily\ncommand = true\n';

  it.each([
    ['[job-local "a"\nschedule = @daily\n', 'jobs.ini:1: expected "]" after [job-local "a"'],
    ['[job-local "a]\n', 'jobs.ini:1: string not terminated: add the closing "'],
    [
      '[job-local ""]\n',
      'jobs.ini:1: [job-local ""]: an empty name is not allowed; write [job-local] or give the job a name',
    ],
    ['[9lives]\n', 'jobs.ini:1: expected a section name after "[" (letters, digits and -, starting with a letter)'],
    [
      'schedule = @daily\n',
      'jobs.ini:1: schedule: a key before any section: put it under [global] or a [job-… "name"] section',
    ],
    [
      '[job-local "a"]\nschedule: @daily\ncommand = true\n',
      'jobs.ini:2: [job-local "a"] expected "=" after schedule (key names are letters, digits and -; found ":")',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = echo "unclosed\n',
      'jobs.ini:3: [job-local "a"] string not terminated: add the closing " before the end of the line',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = echo a\\b\n',
      `jobs.ini:3: [job-local "a"] an unquoted '\\' must end the line (to continue the value on the next); write "\\\\" for a backslash`,
    ],
    [
      '[job-local "a"] extra\n',
      'jobs.ini:1: [job-local "a"] unexpected "e" after [job-local "a"]: expected the end of the line or a comment',
    ],
    ['= value\n', 'jobs.ini:1: expected a [section] header or a key = value line, found "="'],
  ])('%j', (bad, message) => {
    const { config, problems } = load(`${bad}${good}`);
    expect(problems.map(formatProblem)).toContain(message);
    expect(problems.filter((p) => p.severity !== 'error').map(formatProblem)).toEqual([]);
    expect(config.jobs.map((j) => j.name)).toEqual(['good']);
  });

  it('keys under an unreadable header are reported once, not one by one', () => {
    expect(messages('[job-local "a"\nschedule = @daily\ncommand = true\n')).toHaveLength(1);
  });
});

describe('bad jobs: each names its section and key; the rest load', () => {
  const withGood = (bad: string) => load(`${bad}\n[job-local "good"]\nschedule = @every 10s\ncommand = true\n`);

  it.each([
    [
      '[job-local "a"]\nschedule = 0 0 31 2 *\ncommand = true',
      'jobs.ini:2: [job-local "a"] schedule: "0 0 31 2 *" never fires: no date matches it (a day that does not exist in that month, such as 31 2)',
    ],
    [
      '[job-local "a"]\nschedule = 61 * * * *\ncommand = true',
      'jobs.ini:2: [job-local "a"] schedule: "61 * * * *" is not a valid cron expression: Invalid value for minute: 61',
    ],
    [
      '[job-local "a"]\nschedule = * * *\ncommand = true',
      'jobs.ini:2: [job-local "a"] schedule: "* * *" has 3 fields; write 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first)',
    ],
    [
      '[job-local "a"]\nschedule = @fortnightly\ncommand = true',
      'jobs.ini:2: [job-local "a"] schedule: "@fortnightly" unknown descriptor @fortnightly: use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>, @triggered',
    ],
    [
      '[job-local "a"]\nschedule = @every soon\ncommand = true',
      'jobs.ini:2: [job-local "a"] schedule: "@every soon" @every needs a duration such as 10s, 5m or 1h30m; got "soon"',
    ],
    [
      '[job-local "a"]\nschedule = CRON_TZ=Mars/Olympus 0 3 * * *\ncommand = true',
      'jobs.ini:2: [job-local "a"] schedule: "CRON_TZ=Mars/Olympus 0 3 * * *" time zone Mars/Olympus is not a known IANA zone (e.g. Europe/Berlin, America/New_York, UTC)',
    ],
    [
      '[job-local "a"]\ncommand = true',
      'jobs.ini:1: [job-local "a"] schedule: is required: a cron expression ("0 3 * * *", "*/10 * * * * *"), @daily, @every 10s or @triggered',
    ],
    [
      '[job-local "a"]\nschedule = @daily',
      'jobs.ini:1: [job-local "a"] command: is required: the command to run, e.g. command = touch /tmp/example',
    ],
    [
      '[job-cron "a"]\nschedule = @daily\ncommand = true',
      'jobs.ini:1: [job-cron "a"] unknown job type job-cron: use job-local, job-exec, job-run or job-http; this section is not loaded',
    ],
    [
      '[jobs "a"]\nschedule = @daily',
      'jobs.ini:1: [jobs "a"] unknown section [jobs]: use [global], [job-local "name"], [job-exec "name"], [job-run "name"], [job-http "name"] or [webhook "name"]; this section is not loaded',
    ],
    [
      '[job-local]\nschedule = @daily\ncommand = true',
      'jobs.ini:1: [job-local] needs a name: [job-local "name"]; this job is not loaded',
    ],
    [
      '[job-exec "good"]\nschedule = @daily\ncontainer = c\ncommand = true',
      'jobs.ini:5: [job-local "good"] a job named "good" is already defined at line 1; job names must be unique',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = true\nno-overlap = maybe',
      'jobs.ini:4: [job-local "a"] no-overlap: got "maybe"; write true or false',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = true\nmax-runtime = 5 minutes',
      'jobs.ini:4: [job-local "a"] max-runtime: got "5 minutes"; write a duration such as 30s, 5m or 1h30m',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = true\nmax-output = 20MB',
      'jobs.ini:4: [job-local "a"] max-output: got "20MB"; write a size from 64 bytes to 10485760 bytes, such as 256KB or 2MB',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = true\nenvironment = JUSTANAME',
      'jobs.ini:4: [job-local "a"] environment: "JUSTANAME" is not NAME=value (one variable per environment line)',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = true\nwebhooks = nowhere',
      'jobs.ini:4: [job-local "a"] webhooks: no [webhook "nowhere"] section is defined (or it has an error): define it or remove the name',
    ],
    [
      '[job-local "a"]\nschedule = @daily\ncommand = true\nno-overlap = true\noverlap = allow',
      'jobs.ini:5: [job-local "a"] overlap: overlap = allow contradicts no-overlap = true: keep one of them',
    ],
    [
      '[job-run "a"]\nschedule = @daily',
      'jobs.ini:1: [job-run "a"] needs image = … (to run a new container) or container = … (to start an existing one)',
    ],
    [
      '[job-http "a"]\nschedule = @daily\nurl = ftp://x',
      'jobs.ini:3: [job-http "a"] url: "ftp://x" must be an http: or https: URL',
    ],
    [
      '[webhook "w"]\npreset = slack\nurl = https://x\n[job-local "a"]\nschedule = @daily\ncommand = true\nwebhooks = w',
      'jobs.ini:2: [webhook "w"] preset: "slack" is not implemented: only json-post (the default) is; remove preset and give the url',
    ],
  ])('%j', (bad, message) => {
    const { config, problems } = withGood(bad);
    expect(problems.map(formatProblem)).toContain(message);
    expect(config.jobs.map((j) => j.name)).toContain('good');
    expect(config.jobs.map((j) => j.name)).not.toContain('a');
  });
});

describe('nothing is ignored without a word', () => {
  it('an unknown key is a warning that suggests the key meant; the job still loads', () => {
    const { config, problems } = load('[job-local "a"]\nschedule = @daily\ncommand = true\nno-overlapp = true\n');
    expect(config.jobs).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0]!)).toMatch(
      /^jobs\.ini:4: \[job-local "a"\] no-overlapp: unknown key, ignored: did you mean no-overlap\? \(known keys of \[job-local\]: /,
    );
  });

  it("Ofelia's mail, slack and save keys are warnings that say what to use instead", () => {
    expect(
      messages('[job-local "a"]\nschedule = @daily\ncommand = true\nslack-webhook = https://hooks.slack.com/x\n'),
    ).toEqual([
      'jobs.ini:4: [job-local "a"] slack-webhook: is an Ofelia key this scheduler does not implement and is ignored: notifications are sent by [webhook "name"] sections listed in webhooks = …',
    ]);
  });

  it("a ; inside '…' ends the value (a comment, as in Ofelia): warned; double quotes around the whole value keep it", () => {
    const cut = load(`[job-local "a"]\nschedule = @daily\ncommand = sh -c 'echo a; echo b'\n`);
    expect((cut.config.jobs[0] as LocalJob).argv).toEqual(['sh', '-c', 'echo a']);
    expect(cut.problems.map(formatProblem)).toEqual([
      `jobs.ini:3: [job-local "a"] command: the value stops at a ; or # inside '…' (the rest of the line is a comment in the INI format, as in Ofelia): wrap the whole value in double quotes to keep it`,
    ]);
    const kept = load(`[job-local "a"]\nschedule = @daily\ncommand = "sh -c 'echo a; echo b'"\n`);
    expect((kept.config.jobs[0] as LocalJob).argv).toEqual(['sh', '-c', 'echo a; echo b']);
    expect(kept.problems).toEqual([]);
  });

  it('double quotes removed from inside a value are warned about, with how to keep them', () => {
    const { config, problems } = load('[job-http "a"]\nschedule = @daily\nurl = http://x\nbody = {"a":1}\n');
    expect((config.jobs[0] as HttpJob).body).toBe('{a:1}');
    expect(problems.map(formatProblem)).toEqual([
      'jobs.ini:4: [job-http "a"] body: double quotes are removed by the INI format (as in Ofelia), so the value is "{a:1}"; write \\" for a quote, e.g. "{\\"a\\":1}"',
    ]);
  });

  it('an @every that Ofelia would round to whole seconds is a warning naming both intervals', () => {
    expect(messages('[job-local "a"]\nschedule = @every 1500ms\ncommand = true\n')).toEqual([
      'jobs.ini:2: [job-local "a"] schedule: @every 1500ms: Ofelia rounds this down to whole seconds (every 1s); this scheduler ticks every 1.5s',
    ]);
  });
});

// The example configurations of Ofelia's own documentation (copied into
// test/fixtures with their source named) load here with the meaning they
// have in Ofelia; what this scheduler does not implement is reported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/ini/loadConfig.js';
import { formatProblem } from '../src/ini/problems.js';
import type { ExecJob, JobSpec, LocalJob, RunJob } from '../src/jobs/spec.js';

const NOW = Date.UTC(2030, 0, 1);
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const load = (name: string) => loadConfig(fixture(name), { file: name, env: {}, nowMs: NOW });
const byName = (jobs: readonly JobSpec[], name: string) => jobs.find((j) => j.name === name);

describe("mcuadros/ofelia README's INI-style config", () => {
  const { config, problems } = load('ofelia-readme.ini');

  it('loads the exec, run and local jobs with their keys', () => {
    expect(config.jobs.map((j) => [j.type, j.name])).toEqual([
      ['exec', 'job-executed-on-running-container'],
      ['run', 'job-executed-on-new-container'],
      ['local', 'job-executed-on-current-host'],
    ]);
    const exec = byName(config.jobs, 'job-executed-on-running-container') as ExecJob;
    expect(exec).toMatchObject({
      container: 'my-container',
      argv: ['touch', '/tmp/example'],
      user: 'root',
      tty: false,
    });
    const run = byName(config.jobs, 'job-executed-on-new-container') as RunJob;
    expect(run).toMatchObject({ image: 'ubuntu:latest', container: undefined, remove: true, pull: 'always' });
    // @hourly: at minute 0 of every hour.
    expect(run.schedule.next(NOW)).toBe(NOW + 3_600_000);
  });

  it('reports job-service-run (Docker Swarm) as not supported, naming the file, line and section', () => {
    expect(problems.map(formatProblem)).toEqual([
      'ofelia-readme.ini:19: [job-service-run "service-executed-on-new-container"] [job-service-run] runs a Docker Swarm service, which this scheduler does not support; use job-run; this job is not loaded',
    ]);
  });
});

describe("mcuadros/ofelia docs/jobs.md's INI examples", () => {
  const { config, problems } = load('ofelia-jobs-reference.ini');

  it('reads user and tty of job-exec', () => {
    const job = byName(config.jobs, 'flush-nginx-logs') as ExecJob;
    expect(job).toMatchObject({
      container: 'nginx-proxy',
      command: '/bin/bash /flush-logs.sh',
      argv: ['/bin/bash', '/flush-logs.sh'],
      user: 'www-data',
      tty: false,
    });
  });

  it("reads repeated environment lines and splits sh -c '…' as Ofelia does", () => {
    const job = byName(config.jobs, 'print-write-date') as RunJob;
    expect(job.environment).toEqual(['FOO=bar', 'BAZ=qux']);
    expect(job.volumes).toEqual(['/tmp/test:/tmp/test:rw']);
    expect(job.argv).toEqual(['sh', '-c', 'date | tee -a /tmp/test/date']);
    expect(job.schedule.everyMs).toBe(5_000);
  });

  it('reads dir of job-local', () => {
    const job = byName(config.jobs, 'create-file') as LocalJob;
    expect(job).toMatchObject({ dir: '/tmp/', argv: ['touch', 'test.txt'] });
    expect(job.schedule.next(NOW)).toBe(NOW + 15_000);
  });

  it('has only the job-service-run problem', () => {
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', line: 25, key: undefined });
  });
});

describe("netresearch/ofelia's example/ofelia.ini", () => {
  const { config, problems } = load('netresearch-example.ini');

  it('loads both jobs; the INI format removes the double quotes of the command, as in Ofelia', () => {
    expect(config.jobs.map((j) => j.name)).toEqual(['run-date', 'local-echo']);
    expect((byName(config.jobs, 'local-echo') as LocalJob).argv).toEqual(['echo', 'Hello', 'from', 'local', 'job']);
  });

  it('warns that enable-web is not needed and that the quotes were removed', () => {
    expect(problems.map((p) => [p.severity, p.line, p.key])).toEqual([
      ['warning', 4, 'enable-web'],
      ['warning', 13, 'command'],
    ]);
    expect(problems[0]?.message).toContain('always on');
    expect(problems[1]?.message).toContain('["echo","Hello","from","local","job"]');
  });
});

describe("netresearch/ofelia's webhook examples", () => {
  const { config, problems } = load('netresearch-webhooks.ini');

  it('loads both webhooks with their trigger, timeout and retries, and the job that uses one', () => {
    expect(problems).toEqual([]);
    expect(config.webhooks).toEqual([
      expect.objectContaining({
        name: 'healthchecks',
        trigger: 'always',
        timeoutMs: 30_000,
        retryCount: 3,
        retryDelayMs: 5_000,
      }),
      expect.objectContaining({ name: 'custom-hook', trigger: 'always', timeoutMs: 10_000, retryCount: 2 }),
    ]);
    const job = byName(config.jobs, 'backup-database') as ExecJob;
    expect(job.webhooks).toEqual(['healthchecks']);
    // No shell: the redirection is one argument, as gobs/args splits it for Ofelia.
    expect(job.argv).toEqual(['pg_dump', '-U', 'postgres', 'mydb', '> /backup/db.sql']);
  });
});

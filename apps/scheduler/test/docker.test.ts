// The Docker Engine API client and the exec/run jobs, against a stand-in for
// the daemon (test/dockerStandIn.ts: no daemon may run on these machines),
// and against a real daemon when DOCKER_HOST reaches one (skipped, with the
// reason, otherwise). Faults only the stand-in can produce (frames cut at
// every byte, slow answers, old API versions) run against it alone.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerClient, type DockerClientOptions, DockerError } from '../src/docker/dockerClient.js';
import { execRunner, runRunner } from '../src/docker/dockerRunners.js';
import { splitCommand } from '../src/jobs/commandLine.js';
import type { ExecJob, JobSpec, PullPolicy, RunJob } from '../src/jobs/spec.js';
import { executeRun, type Runners } from '../src/runtime/execute.js';
import { createOutputPool } from '../src/runtime/outputPool.js';
import type { RunRecord } from '../src/runtime/run.js';
import { StopSource } from '../src/runtime/stop.js';
import { parseSchedule } from '../src/schedule/schedule.js';
import { type StandIn, startDockerStandIn } from './dockerStandIn.js';
import { type Running, startScheduler } from './helpers.js';
import { metric } from './process.js';

const pool = createOutputPool('test-docker');
const unsupported = async () => ({ status: 'failed' as const, exitCode: null, error: 'not here' });

const base = {
  schedule: parseSchedule('@triggered', undefined, 0).schedule,
  overlap: 'allow' as const,
  queueSize: 1,
  retry: { maxRetries: 0, delayMs: 0, exponential: false, maxDelayMs: 0 },
  maxRuntimeMs: 30_000,
  maxOutputBytes: 64 * 1024,
  webhooks: [],
  runOnStartup: false,
  source: 'test',
};
const execJob = (container: string, command: string, extra: Partial<ExecJob> = {}): ExecJob => ({
  ...base,
  type: 'exec',
  name: 'exec-test',
  container,
  command,
  argv: splitCommand(command),
  user: 'root',
  tty: false,
  environment: [],
  workingDir: undefined,
  ...extra,
});
const runJob = (
  image: string,
  command: string,
  pull: PullPolicy = 'if-not-present',
  extra: Partial<RunJob> = {},
): RunJob => ({
  ...base,
  type: 'run',
  name: 'run-test',
  image,
  container: undefined,
  command,
  argv: splitCommand(command),
  user: 'root',
  tty: false,
  environment: [],
  network: undefined,
  hostname: undefined,
  volumes: [],
  volumesFrom: [],
  workingDir: undefined,
  remove: true,
  pull,
  ...extra,
});

function runWith(client: DockerClient, job: JobSpec): Promise<RunRecord> {
  const runners: Runners = { local: unsupported, http: unsupported, exec: execRunner(client), run: runRunner(client) };
  return executeRun(
    job,
    { id: crypto.randomUUID(), trigger: 'manual', scheduledAt: null, fence: null, startedAt: Date.now() },
    { runners, pool, now: Date.now, instance: 'test' },
    new StopSource(),
  );
}

/** A real daemon at DOCKER_HOST (or the default socket), or why not. */
async function realDaemon(): Promise<{ host: string; skip: false | string }> {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://') && !existsSync(host.slice(7))) {
    const reason = `no Docker daemon: ${host} does not exist (set DOCKER_HOST to run these tests against a real daemon)`;
    console.warn(`skipped: ${reason}`);
    return { host, skip: reason };
  }
  const client = new DockerClient({ host, connectTimeoutMs: 1_000, headersTimeoutMs: 2_000 });
  try {
    await client.ping();
    return { host, skip: false };
  } catch (error) {
    const reason = `no Docker daemon answers at ${host}: ${(error as Error).message}`;
    console.warn(`skipped: ${reason}`);
    return { host, skip: reason };
  } finally {
    await client.close();
  }
}

interface Daemon {
  readonly host: string;
  /** A running container to exec in. */
  readonly container: string;
  gone(id: string): Promise<boolean>;
  close(): Promise<void>;
}

const standInDaemon = async (): Promise<Daemon & { standIn: StandIn }> => {
  const standIn = await startDockerStandIn();
  standIn.addContainer('web');
  return {
    standIn,
    host: standIn.host,
    container: 'web',
    gone: async (name) => !standIn.hasContainer(name),
    close: () => standIn.close(),
  };
};

const realDaemonTarget = async (host: string): Promise<Daemon> => {
  const client = new DockerClient({ host });
  const name = `perf-scheduler-test-${process.pid}`;
  await runWith(client, runJob('alpine:3.19', 'true', 'if-not-present')); // pulls the image once
  const { Id } = await client.json<{ Id: string }>('container create', 'POST', `/containers/create?name=${name}`, {
    Image: 'alpine:3.19',
    Cmd: ['sleep', '600'],
  });
  await client.json('container start', 'POST', `/containers/${Id}/start`);
  return {
    host,
    container: name,
    gone: async (ref) => {
      try {
        await client.json('container inspect', 'GET', `/containers/${encodeURIComponent(ref)}/json`);
        return false;
      } catch (error) {
        return error instanceof DockerError && error.status === 404;
      }
    },
    close: async () => {
      await client.json('container remove', 'DELETE', `/containers/${Id}?force=1`).catch(() => {});
      await client.close();
    },
  };
};

const real = await realDaemon();

// The same behaviour, whichever daemon answers.
for (const [label, skip, make] of [
  ['the daemon stand-in (a unix socket answering like dockerd)', false, standInDaemon],
  ['a real Docker daemon at DOCKER_HOST', real.skip, () => realDaemonTarget(real.host)],
] as const) {
  describe.skipIf(skip)(`exec and run jobs against ${label}`, () => {
    let daemon: Daemon;
    let client: DockerClient;
    beforeAll(async () => {
      daemon = await make();
      client = new DockerClient({ host: daemon.host });
    }, 120_000);
    afterAll(async () => {
      await client?.close();
      await daemon?.close();
    });

    it('negotiates the API version through /_ping', async () => {
      expect(await client.apiVersion()).toMatch(/^1\.\d+$/);
      const { apiVersion, os } = await client.ping();
      expect(os).toBe('linux');
      expect(Number(apiVersion.split('.')[1])).toBeGreaterThanOrEqual(25);
    });

    it('exec: stdout and stderr come through the multiplexed stream, the exit code from the exec', async () => {
      const ok = await runWith(client, execJob(daemon.container, `sh -c 'echo out; echo err >&2'`));
      expect(ok).toMatchObject({ status: 'succeeded', exitCode: 0, error: null, output: 'out\nerr\n' });
      const bad = await runWith(client, execJob(daemon.container, `sh -c 'echo before; exit 3'`));
      expect(bad).toMatchObject({ status: 'failed', exitCode: 3, output: 'before\n' });
      expect(bad.error).toBe(`the command in ${daemon.container} exited with code 3`);
    });

    it('exec in a container that does not exist says so', async () => {
      const r = await runWith(client, execJob('no-such-container-here', 'echo hi'));
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(
        /^container no-such-container-here does not exist \(Docker exec create answered 404: No such container: no-such-container-here\)$/,
      );
    });

    it('exec of a command that is not found: exit 127 and the daemon’s message in the output', async () => {
      const r = await runWith(client, execJob(daemon.container, 'no-such-command-inside'));
      expect(r).toMatchObject({ status: 'failed', exitCode: 127 });
      expect(r.error).toBe(
        `the command in ${daemon.container} exited with code 127: command not found in the container`,
      );
      expect(r.output).toContain('executable file not found');
    });

    it('run: a new container runs the command, its logs are the output, and it is removed', async () => {
      const r = await runWith(client, runJob('alpine:3.19', `sh -c 'echo hello; echo warn >&2; exit 2'`));
      expect(r).toMatchObject({ status: 'failed', exitCode: 2, output: 'hello\nwarn\n' });
      expect(r.error).toBe('the container exited with code 2');
      const name = `run-test-${r.id.slice(0, 8)}`;
      expect(await daemon.gone(name)).toBe(true);
    });

    it('run: an image that does not exist and cannot be pulled says so', async () => {
      const r = await runWith(client, runJob('nope-does-not-exist:1', 'true', 'if-not-present'));
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/^image nope-does-not-exist:1 does not exist \(Docker image pull answered 404: /);
    });

    it('run: past max-runtime the container is killed and removed, and the run timed out', async () => {
      const r = await runWith(client, runJob('alpine:3.19', 'sleep 30', 'if-not-present', { maxRuntimeMs: 500 }));
      expect(r).toMatchObject({ status: 'timed-out', exitCode: 137 });
      expect(r.error).toBe('stopped after max-runtime (500 ms): the container was killed');
      expect(await daemon.gone(`run-test-${r.id.slice(0, 8)}`)).toBe(true);
    });
  });
}

describe('faults only the daemon stand-in can produce', () => {
  let d: Awaited<ReturnType<typeof standInDaemon>>;
  const clients: DockerClient[] = [];
  const newClient = (options: Partial<DockerClientOptions> = {}) => {
    const c = new DockerClient({ host: d.host, ...options });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    d = await standInDaemon();
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await d?.close();
  });

  it('stand-in: frames and HTTP chunks cut at every byte decode to the same output', async () => {
    d.standIn.chunkBytes = 1;
    try {
      const client = newClient();
      expect(await runWith(client, execJob('web', `sh -c 'echo one; echo two >&2; echo three'`))).toMatchObject({
        status: 'succeeded',
        output: 'one\ntwo\nthree\n',
      });
      expect(await runWith(client, runJob('alpine:3.19', `sh -c 'echo from logs; echo more >&2'`))).toMatchObject({
        status: 'succeeded',
        output: 'from logs\nmore\n',
      });
    } finally {
      d.standIn.chunkBytes = Number.POSITIVE_INFINITY;
    }
  });

  it('stand-in: output past max-output is cut and marked', async () => {
    d.standIn.script = (cmd) =>
      cmd[0] === 'flood' ? { output: [['stdout', 'x'.repeat(200_000)]], exitCode: 0 } : undefined;
    try {
      const r = await runWith(newClient(), execJob('web', 'flood', { maxOutputBytes: 4096 }));
      expect(r).toMatchObject({ status: 'succeeded', outputTruncated: true, outputBytes: 200_000 });
      expect(Buffer.byteLength(r.output)).toBe(4096);
    } finally {
      d.standIn.script = () => undefined;
    }
  });

  it('stand-in: an exec past max-runtime is no longer read, and the run says the command may still run', async () => {
    const r = await runWith(newClient(), execJob('web', 'sleep 5', { maxRuntimeMs: 300 }));
    expect(r.status).toBe('timed-out');
    expect(r.error).toBe(
      'stopped after max-runtime (300 ms): the output of the exec in web is no longer read (Docker cannot stop an exec; the command may still run)',
    );
  });

  it('stand-in: an older daemon is spoken to in its API version; one older than 1.25 is refused', async () => {
    d.standIn.apiVersion = '1.41';
    try {
      const client = newClient();
      expect(await client.apiVersion()).toBe('1.41');
      await runWith(client, execJob('web', 'echo hi'));
      expect(d.standIn.requests.at(-1)?.path).toMatch(/^\/v1\.41\/exec\//);
      d.standIn.apiVersion = '1.24';
      const old = newClient();
      await expect(old.apiVersion()).rejects.toThrow(
        `the Docker daemon at ${d.host} speaks API 1.24; this scheduler needs 1.25 or newer`,
      );
    } finally {
      d.standIn.apiVersion = '1.45';
    }
  });

  it('stand-in: a daemon slower than the response-header timeout is reported as such', async () => {
    d.standIn.delay = (req) => (req.path === '/_ping' ? 1_500 : 0);
    try {
      const err = await newClient({ headersTimeoutMs: 200 })
        .ping()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerError);
      expect((err as DockerError).message).toBe(`cannot reach the Docker daemon at ${d.host}: no answer within 200 ms`);
    } finally {
      d.standIn.delay = () => 0;
    }
  });

  it('stand-in: a warm pool reuses its connections (20 calls, one connection)', async () => {
    const client = newClient();
    await client.apiVersion();
    const before = d.standIn.connections();
    for (let i = 0; i < 20; i++) await client.json('exec inspect', 'GET', '/exec/none/json').catch(() => {});
    expect(d.standIn.connections() - before).toBeLessThanOrEqual(1);
  });

  it('stand-in: the wire format of an error and of /_ping is what dockerd writes', async () => {
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(d.standIn.socketPath);
        let out = '';
        socket.on('data', (c) => {
          out += c;
          if (
            out.includes('\r\n\r\n') &&
            out.length >= out.indexOf('\r\n\r\n') + 4 + Number(/Content-Length: (\d+)/.exec(out)?.[1] ?? 0)
          ) {
            socket.end();
            resolve(out.replace(/Date: .*\r\n/, 'Date: <date>\r\n'));
          }
        });
        socket.write(request);
      });
    expect(
      await raw(
        'POST /v1.45/containers/nope/exec HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"Cmd":["true"]}',
      ),
    ).toBe(
      'HTTP/1.1 404 Not Found\r\nApi-Version: 1.45\r\nContent-Type: application/json\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/26.1.4 (linux)\r\nDate: <date>\r\nContent-Length: 38\r\n\r\n{"message":"No such container: nope"}\n',
    );
    expect(await raw('GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n')).toBe(
      'HTTP/1.1 200 OK\r\nApi-Version: 1.45\r\nBuilder-Version: 2\r\nCache-Control: no-cache, no-store, must-revalidate\r\nDocker-Experimental: false\r\nOstype: linux\r\nPragma: no-cache\r\nServer: Docker/26.1.4 (linux)\r\nDate: <date>\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOK',
    );
  });
});

describe('without a daemon', () => {
  it('a missing socket is a clear error; 10 failures in a row open the breaker, then calls are not sent', async () => {
    const outcomes: string[] = [];
    const client = new DockerClient({
      host: 'unix:///tmp/no-docker-here.sock',
      onRequest: (_op, outcome) => outcomes.push(outcome),
    });
    try {
      for (let i = 0; i < 10; i++) {
        await expect(client.ping()).rejects.toThrow(
          'cannot reach the Docker daemon at unix:///tmp/no-docker-here.sock: the socket does not exist (is the daemon running? set DOCKER_HOST to reach another)',
        );
      }
      expect(client.breakerState.kind).toBe('open');
      await expect(client.ping()).rejects.toThrow(
        /^Docker ping not sent: the circuit to unix:\/\/\/tmp\/no-docker-here\.sock is open after repeated failures until /,
      );
      expect(outcomes).toEqual([...Array.from({ length: 10 }, () => 'error'), 'rejected']);
    } finally {
      await client.close();
    }
  });
});

describe('a job-exec in the app, with the stand-in at DOCKER_HOST', () => {
  let d: Awaited<ReturnType<typeof standInDaemon>>;
  let s: Running;
  beforeAll(async () => {
    d = await standInDaemon();
    s = await startScheduler(
      `[job-exec "in-web"]\nschedule = @triggered\ncontainer = web\ncommand = echo from the stand-in\n\n[job-exec "nowhere"]\nschedule = @triggered\ncontainer = gone\ncommand = true\n`,
      { DOCKER_HOST: d.host },
    );
  });
  afterAll(async () => {
    await s?.stop();
    await d?.close();
  });

  it('records the run, and /metrics counts the Docker operations and shows the breaker closed', async () => {
    for (const job of ['in-web', 'nowhere']) {
      const id = (await s.post(`/api/jobs/${job}/run`)).body.runId;
      await expect
        .poll(async () => (await s.runsOf(job)).find((r) => r.id === id)?.status, { timeout: 10_000, interval: 20 })
        .not.toBe('running');
    }
    expect((await s.runsOf('in-web'))[0]).toMatchObject({ status: 'succeeded', output: 'from the stand-in\n' });
    expect((await s.runsOf('nowhere'))[0]).toMatchObject({
      status: 'failed',
      error: 'container gone does not exist (Docker exec create answered 404: No such container: gone)',
    });
    const text = await (await fetch(`${s.base}/metrics`)).text();
    expect(metric(text, 'scheduler_docker_requests_total{operation="exec create",outcome="ok"}')).toBe(1);
    expect(metric(text, 'scheduler_docker_requests_total{operation="exec create",outcome="error"}')).toBe(1);
    expect(metric(text, 'scheduler_docker_requests_total{operation="ping",outcome="ok"}')).toBe(1);
    expect(metric(text, 'scheduler_docker_breaker_state')).toBe(0);
  });
});

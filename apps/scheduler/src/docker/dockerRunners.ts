// job-exec and job-run through the Docker Engine API, the way the docker CLI
// does `docker exec` and `docker run`:
// - exec: create the exec, start it attached (the daemon hijacks the
//   connection and streams the output until the command ends), inspect it for
//   the exit code. Docker has no call to stop an exec: at max-runtime the
//   stream is closed and the run recorded as timed out, but the command may go
//   on inside the container.
// - run: pull the image as `pull` says, create the container, ask to be told
//   when it exits (before starting it, so the exit cannot be missed), start
//   it, read its logs, remove it (`delete`, default true). At max-runtime it
//   is killed (SIGKILL), then read and removed the same way.
import type { ExecJob, RunJob } from '../jobs/spec.js';
import { type AttemptContext, type AttemptOutcome, AttemptTimeout, type Runner } from '../runtime/run.js';
import { type DockerClient, DockerError, type Streamed } from './dockerClient.js';
import { StreamDemultiplexer } from './multiplexedStream.js';

const enc = encodeURIComponent;

/** Reads a stream's body into the run's output: demultiplexed unless the job has a TTY. */
async function capture(body: Streamed['body'], tty: boolean, ctx: AttemptContext): Promise<string> {
  let systemError = '';
  const demux = new StreamDemultiplexer((kind, data) => {
    if (kind === 'system-error') systemError += data.toString();
    else ctx.output.write(data);
  });
  for await (const chunk of body) {
    if (tty) ctx.output.write(chunk);
    else demux.write(chunk);
  }
  return systemError;
}

function stopped(ctx: AttemptContext, what: string): AttemptOutcome {
  const reason = ctx.stop.reason ?? new Error('stopped');
  return {
    status: reason instanceof AttemptTimeout ? 'timed-out' : 'failed',
    exitCode: null,
    error: `${reason.message}: ${what}`,
  };
}

function exitOutcome(code: number, context: string): AttemptOutcome {
  if (code === 0) return { status: 'succeeded', exitCode: 0, error: null };
  const hint =
    code === 126
      ? ': the command cannot be executed (permissions?)'
      : code === 127
        ? ': command not found in the container'
        : code === 137
          ? ' (killed: SIGKILL or out of memory)'
          : '';
  return { status: 'failed', exitCode: code, error: `${context} exited with code ${code}${hint}` };
}

function apiFailure(error: unknown, subject: string): AttemptOutcome {
  if (error instanceof DockerError && error.status === 404) {
    return { status: 'failed', exitCode: null, error: `${subject} does not exist (${error.message})` };
  }
  if (error instanceof DockerError && error.status === 409) {
    return { status: 'failed', exitCode: null, error: `${subject} is not running (${error.message})` };
  }
  return { status: 'failed', exitCode: null, error: (error as Error).message };
}

export function execRunner(docker: DockerClient): Runner<ExecJob> {
  return async (ctx) => {
    const { job } = ctx;
    let execId: string;
    try {
      ({ Id: execId } = await docker.json<{ Id: string }>(
        'exec create',
        'POST',
        `/containers/${enc(job.container)}/exec`,
        {
          AttachStdin: false,
          AttachStdout: true,
          AttachStderr: true,
          Tty: job.tty,
          Cmd: job.argv,
          User: job.user,
          Env: job.environment,
          ...(job.workingDir === undefined ? {} : { WorkingDir: job.workingDir }),
        },
        ctx.stop.signal,
      ));
    } catch (error) {
      if (ctx.stop.aborted) return stopped(ctx, 'the exec was not created');
      return apiFailure(error, `container ${job.container}`);
    }
    let systemError = '';
    try {
      const res = await docker.stream(
        'exec start',
        'POST',
        `/exec/${enc(execId)}/start`,
        { Detach: false, Tty: job.tty },
        ctx.stop.signal,
      );
      systemError = await capture(res.body, job.tty, ctx);
    } catch (error) {
      if (ctx.stop.aborted)
        return stopped(
          ctx,
          `the output of the exec in ${job.container} is no longer read (Docker cannot stop an exec; the command may still run)`,
        );
      return { status: 'failed', exitCode: null, error: (error as Error).message };
    }
    const inspect = await docker
      .json<{ ExitCode: number | null; Running: boolean }>('exec inspect', 'GET', `/exec/${enc(execId)}/json`)
      .catch((error: unknown) => error as Error);
    if (inspect instanceof Error)
      return { status: 'failed', exitCode: null, error: `the exit code is unknown: ${inspect.message}` };
    if (systemError !== '')
      return { status: 'failed', exitCode: inspect.ExitCode, error: `Docker: ${systemError.trim()}` };
    if (inspect.ExitCode === null || inspect.Running) {
      return { status: 'failed', exitCode: null, error: 'the exec stream ended but the command is still running' };
    }
    return exitOutcome(inspect.ExitCode, `the command in ${job.container}`);
  };
}

/** `alpine:3.19` → fromImage=alpine&tag=3.19 (a digest or registry port is kept in fromImage). */
function pullQuery(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return `fromImage=${enc(image)}`;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return `fromImage=${enc(image.slice(0, colon))}&tag=${enc(image.slice(colon + 1))}`;
  return `fromImage=${enc(image)}&tag=latest`;
}

/** POST /images/create: the answer is a stream of JSON progress lines, an error among them when the pull fails. */
async function pull(docker: DockerClient, image: string, signal: AbortSignal): Promise<void> {
  const res = await docker.stream('image pull', 'POST', `/images/create?${pullQuery(image)}`, undefined, signal);
  let rest = '';
  let failure: string | undefined;
  for await (const chunk of res.body) {
    rest += chunk.toString();
    const lines = rest.split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const m = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
        failure ??= m.errorDetail?.message ?? m.error;
      } catch {}
    }
  }
  if (failure !== undefined) throw new DockerError('SCHEDULER_DOCKER_API', `pull of ${image} failed: ${failure}`, 500);
}

export function runRunner(docker: DockerClient): Runner<RunJob> {
  return async (ctx) => {
    const { job } = ctx;
    const created = job.image !== undefined;
    let id: string;
    const notes: string[] = [];
    if (job.image !== undefined) {
      const image = job.image;
      if (job.pull === 'always') {
        try {
          await pull(docker, image, ctx.stop.signal);
        } catch (error) {
          if (ctx.stop.aborted) return stopped(ctx, `pulling ${image}`);
          notes.push(`pull failed (${(error as Error).message}); using the local image`);
        }
      }
      const create = () =>
        docker.json<{ Id: string }>(
          'container create',
          'POST',
          `/containers/create?name=${enc(`${job.name.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${ctx.runId.slice(0, 8)}`)}`,
          {
            Image: image,
            ...(job.argv === undefined ? {} : { Cmd: job.argv }),
            Env: job.environment,
            User: job.user,
            Tty: job.tty,
            AttachStdout: true,
            AttachStderr: true,
            ...(job.hostname === undefined ? {} : { Hostname: job.hostname }),
            ...(job.workingDir === undefined ? {} : { WorkingDir: job.workingDir }),
            Labels: { 'perf.scheduler.job': job.name, 'perf.scheduler.run': ctx.runId },
            HostConfig: {
              Binds: job.volumes,
              VolumesFrom: job.volumesFrom,
              ...(job.network === undefined ? {} : { NetworkMode: job.network }),
            },
          },
          ctx.stop.signal,
        );
      try {
        try {
          ({ Id: id } = await create());
        } catch (error) {
          if (!(error instanceof DockerError && error.status === 404 && job.pull === 'if-not-present')) throw error;
          await pull(docker, image, ctx.stop.signal);
          ({ Id: id } = await create());
        }
      } catch (error) {
        if (ctx.stop.aborted) return stopped(ctx, 'the container was not created');
        const failure = apiFailure(error, `image ${image}`);
        return notes.length === 0 ? failure : { ...failure, error: `${failure.error}; ${notes.join('; ')}` };
      }
    } else {
      id = job.container as string;
    }
    const since = Math.floor(Date.now() / 1000);
    try {
      return await runContainer(docker, ctx, id, created ? 'the container' : `container ${id}`, since, notes);
    } finally {
      if (created && job.remove) {
        await docker.json('container remove', 'DELETE', `/containers/${enc(id)}?force=1&v=1`).catch(() => {});
      }
    }
  };
}

async function runContainer(
  docker: DockerClient,
  ctx: AttemptContext<RunJob>,
  id: string,
  subject: string,
  sinceSeconds: number,
  notes: string[],
): Promise<AttemptOutcome> {
  const { job } = ctx;
  let wait: Streamed;
  try {
    // Asked before the start, so that an exit right after it is not missed (as `docker run` does).
    wait = await docker.stream('container wait', 'POST', `/containers/${enc(id)}/wait?condition=next-exit`);
    await docker.json('container start', 'POST', `/containers/${enc(id)}/start`, undefined, ctx.stop.signal);
  } catch (error) {
    if (ctx.stop.aborted) return stopped(ctx, 'the container was not started');
    return apiFailure(error, subject);
  }
  const result = (async () => {
    let text = '';
    for await (const chunk of wait.body) text += chunk.toString();
    return JSON.parse(text) as { StatusCode: number; Error?: { Message?: string } | null };
  })();
  let timedOut = false;
  const unwatch = ctx.stop.watch(() => {
    timedOut = true;
    docker.json('container kill', 'POST', `/containers/${enc(id)}/kill`).catch(() => {});
  });
  let exit: { StatusCode: number; Error?: { Message?: string } | null };
  try {
    exit = await result;
  } catch (error) {
    return { status: 'failed', exitCode: null, error: `lost track of the container: ${(error as Error).message}` };
  } finally {
    unwatch();
  }
  try {
    const logs = await docker.stream(
      'container logs',
      'GET',
      `/containers/${enc(id)}/logs?stdout=1&stderr=1${job.image === undefined ? `&since=${sinceSeconds}` : ''}`,
    );
    await capture(logs.body, job.tty, ctx);
  } catch (error) {
    notes.push(`logs not read: ${(error as Error).message}`);
  }
  const note = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
  if (timedOut) {
    const o = stopped(ctx, `${subject} was killed`);
    return { ...o, exitCode: exit.StatusCode, error: `${o.error}${note}` };
  }
  if (exit.Error?.Message)
    return { status: 'failed', exitCode: exit.StatusCode, error: `Docker: ${exit.Error.Message}${note}` };
  const o = exitOutcome(exit.StatusCode, subject);
  return o.error === null ? o : { ...o, error: `${o.error}${note}` };
}

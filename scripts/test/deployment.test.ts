// What `npm start` brings up, as a new user meets it: each app listening on
// embedded defaults with nothing set up, and the command it prints works as
// printed (run by the real curl).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@perf/testing';
import { afterAll, expect, it } from 'vitest';
import { startDeployment, stopDeployment } from '../deployment.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataRoot = mkdtempSync(join(tmpdir(), 'perf-deployment-'));
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

it('starts every app on embedded defaults, wired together; the printed curl gets a token the git server trusts; SIGTERM stops each with code 0', async () => {
  const lines: string[] = [];
  const running = await startDeployment({
    root,
    dataRoot,
    portOffset: (await freePort()) - 4000,
    log: (l) => lines.push(l),
  });
  try {
    expect(running.map((a) => a.name)).toEqual(['auth-server', 'git-server', 'scheduler']);
    const curl = lines.map((l) => /get a token: +(curl .*)$/.exec(l)?.[1]).find((c) => c !== undefined);
    expect(curl, lines.join('\n')).toBeDefined();
    const args = (curl as string).split(' ').slice(1); // no quoting in the printed command: it splits on spaces
    const answer = JSON.parse(execFileSync('curl', args, { encoding: 'utf8' })) as Record<string, unknown>;
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    // The git server trusts that token: it creates a repository with it (the git CLI's own tests are in apps/git-server).
    const git = running.find((a) => a.name === 'git-server')?.url as string;
    const created = await fetch(`${git}/api/repos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${answer.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hello' }),
    });
    expect(created.status).toBe(201);
    // The scheduler serves its page and its example jobs.
    const scheduler = running.find((a) => a.name === 'scheduler')?.url as string;
    expect((await fetch(`${scheduler}/healthz`)).status).toBe(200);
    expect(((await (await fetch(`${scheduler}/api/jobs`)).json()) as { jobs: unknown[] }).jobs.length).toBeGreaterThan(
      0,
    );
  } finally {
    expect(await stopDeployment(running)).toBe(0);
  }
}, 120_000);

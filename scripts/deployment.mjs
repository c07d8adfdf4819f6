// The reference deployment that `npm start` brings up: every app on embedded
// defaults (its own data folder under data/, its own port, no server to
// install), wired together, each one's output prefixed with its name. Ctrl-C
// (or SIGTERM) stops them all gracefully.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{ name: string, port: number, env: (ports: Record<string, number>) => Record<string, string> }} AppSpec
 * @typedef {{ name: string, url: string, child: import('node:child_process').ChildProcess, exited: Promise<number> }} RunningApp
 */

/** The apps of the deployment, in start order; an app whose build is missing is left out with a note. */
export const APPS = /** @type {AppSpec[]} */ ([
  { name: 'auth-server', port: 4000, env: () => ({}) },
  // Trusts the auth server beside it: its tokens, its published keys (and, with Redis, its revocations).
  {
    name: 'git-server',
    port: 4001,
    env: (ports) => ({ AUTH_ISSUER: `http://127.0.0.1:${ports['auth-server']}` }),
  },
  { name: 'scheduler', port: 4002, env: () => ({}) },
]);

/**
 * Starts every built app; resolves once each printed that it listens.
 * @param {{ root: string, dataRoot?: string, portOffset?: number, log?: (line: string) => void }} options
 * @returns {Promise<RunningApp[]>}
 */
export async function startDeployment({ root, dataRoot = join(root, 'data'), portOffset = 0, log = console.log }) {
  /** @type {Record<string, number>} */
  const ports = Object.fromEntries(APPS.map((a) => [a.name, a.port + portOffset]));
  /** @type {RunningApp[]} */
  const running = [];
  for (const app of APPS) {
    const main = join(root, 'apps', app.name, 'dist', 'main.js');
    if (!existsSync(main)) {
      log(`perf: ${app.name} is not built (${main} is missing): left out`);
      continue;
    }
    const port = /** @type {number} */ (ports[app.name]);
    const child = spawn(process.execPath, [main], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATA_DIR: join(dataRoot, app.name), ...app.env(ports) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
    const listening = new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (/** @type {Buffer} */ chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          log(`[${app.name}] ${line}`);
          if (line.includes('listening on')) resolve(undefined);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      exited.then((code) => reject(new Error(`${app.name} exited with code ${code} before listening`)));
    });
    running.push({ name: app.name, url: `http://127.0.0.1:${port}`, child, exited });
    await listening;
  }
  return running;
}

/**
 * Stops the apps in the reverse order of their start (SIGTERM: each drains) and resolves with the worst exit code.
 * @param {RunningApp[]} running
 */
export async function stopDeployment(running) {
  let worst = 0;
  for (const app of [...running].reverse()) {
    app.child.kill('SIGTERM');
    worst = Math.max(worst, await app.exited);
  }
  return worst;
}

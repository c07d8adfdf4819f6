// The packages as a user gets them: packed, installed with npm into a project
// outside the workspace, then used from ES modules, CommonJS and TypeScript,
// and every README's first example run there as written (and as CommonJS).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgres, redis, type Service } from '@perf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerProject, createConsumerProject } from '../src/project.js';
import { readmeExample, toCommonJs } from '../src/readmeExample.js';
import { publishedPackages } from '../src/workspace.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const packages = publishedPackages();
const names = packages.map((p) => p.name);
const entryPoints = packages.flatMap((p) => p.entryPoints);

/** What each README example must print, and the service it talks to. */
const pg = await postgres();
const rd = await redis();
const readmeRuns: Record<string, { service?: [string, Service]; prints: (string | RegExp)[] }> = {
  '@perf/batch-writer': { service: ['DATABASE_URL', pg], prints: [/flushed: 2\b/] },
  '@perf/buffer-pool': { prints: ['hello 204800', '2621440 true 378580'] },
  '@perf/cache': { service: ['REDIS_URL', rd], prints: ["{ id: 'client:42', scopes: [ 'read' ] } 1"] },
  '@perf/circuit-breaker': { prints: ['docker circuit: closed -> open', "name: 'docker'", 'rejected: 2,'] },
  '@perf/jwt-cache': { prints: ['alice\nalice\nPERF_JWT_CACHE_REVOKED\n'] },
  '@perf/metrics': { prints: [/^process_cpu_seconds_total \d/m] },
  '@perf/rate-limit': {
    service: ['REDIS_URL', rd],
    prints: ['local true 9\n', '| RateLimit: "login";r=0;t=60 | Retry-After: 60\n'],
  },
};

let project: ConsumerProject;

beforeAll(async () => {
  for (const p of packages) {
    if (!existsSync(join(p.dir, 'dist'))) throw new Error(`${p.name} is not built: run \`pnpm build\` first`);
  }
  project = await createConsumerProject(packages);
  for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(project.dir, file));
}, 300_000);

afterAll(() => project?.remove());

describe('the packed packages, installed with npm outside the workspace', () => {
  it('work from an ES module (import)', async () => {
    const { stdout } = await project.node('smoke-esm.mjs', { PERF_PACKAGES: JSON.stringify(names) });
    expect(stdout.trim().split('\n')).toEqual(names.map((n) => `ok ${n}`));
  });

  it('work from CommonJS (require)', async () => {
    const { stdout } = await project.node('smoke-cjs.cjs', { PERF_PACKAGES: JSON.stringify(names) });
    expect(stdout.trim().split('\n')).toEqual(names.map((n) => `ok ${n}`));
  });

  it('loaded both ways in one process are one copy: same classes, one metrics registry, subpath errors of the main entry', async () => {
    const { stdout } = await project.node('identity.cjs', { PERF_ENTRY_POINTS: JSON.stringify(entryPoints) });
    for (const spec of entryPoints) expect(stdout).toContain(`one copy: ${spec} (`);
    expect(stdout).toContain('one registry:');
    expect(stdout).toContain('subpath errors: instanceof the main entry classes');
  });
});

describe('TypeScript against the installed declarations (strict, skipLibCheck off)', () => {
  const setups = {
    'nodenext, ES module (.mts)': { ext: 'mts', options: ['--module', 'nodenext', '--moduleResolution', 'nodenext'] },
    'nodenext, CommonJS (.cts)': { ext: 'cts', options: ['--module', 'nodenext', '--moduleResolution', 'nodenext'] },
    bundler: { ext: 'ts', options: ['--module', 'esnext', '--moduleResolution', 'bundler'] },
  } as const;
  const compilers = { 'TypeScript (the workspace version)': 'typescript', 'TypeScript 5.8': 'typescript-5.8' } as const;

  for (const [setup, { ext, options }] of Object.entries(setups)) {
    for (const [compiler, pkg] of Object.entries(compilers)) {
      it(`${setup}, ${compiler}: every entry point resolves and the usage compiles`, async () => {
        const dir = join(project.dir, `types-${ext}-${pkg}`);
        mkdirSync(dir, { recursive: true });
        copyFileSync(join(fixtures, 'usage.ts'), join(dir, `usage.${ext}`));
        const imports = entryPoints.map((spec, i) => `import * as e${i} from '${spec}';`).join('\n');
        project.write(
          `${dir.slice(project.dir.length + 1)}/entries.${ext}`,
          `${imports}\nexport const all = [${entryPoints.map((_, i) => `e${i}`).join(', ')}];\n`,
        );
        const args = [
          '--noEmit',
          '--strict',
          '--target',
          'es2022',
          '--types',
          'node',
          ...options,
          `${dir}/usage.${ext}`,
          `${dir}/entries.${ext}`,
        ];
        await expect(project.tsc(pkg, args)).resolves.toMatchObject({ stdout: '' });
      }, 120_000);
    }
  }
});

describe("each README's first example, run in the installed project", () => {
  for (const p of packages) {
    const run = readmeRuns[p.name];
    const skip = run?.service?.[1].skip ?? false;
    for (const form of ['as written (node example.mjs)', 'as CommonJS (node example.cjs)'] as const) {
      it.skipIf(skip)(
        `${p.name}: ${form}`,
        async () => {
          if (run === undefined) throw new Error(`add what ${p.name}'s README example prints to readmeRuns`);
          const env: NodeJS.ProcessEnv = run.service ? { [run.service[0]]: run.service[1].url } : {};
          const source = readmeExample(p.dir);
          const file = form.startsWith('as written')
            ? project.write(`readme-${p.folder}.mjs`, source)
            : project.write(`readme-${p.folder}.cjs`, toCommonJs(source));
          const { stdout } = await project.node(file, env);
          for (const expected of run.prints) expect(stdout).toMatch(expected);
        },
        90_000,
      );
    }
  }
});

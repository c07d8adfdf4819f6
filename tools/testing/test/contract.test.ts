// The package contract (CONTRIBUTING.md, "The package contract"), checked on
// every package under packages/: what can be seen from its files and from its
// exports at run time. contract.test-d.ts checks the type-level rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: unknown };

interface Pkg {
  folder: string;
  dir: string;
  name: string;
  /** `batch-writer` → `BatchWriter` */
  pascal: string;
  /** `batch-writer` → `BATCH_WRITER` */
  constant: string;
}

const packages: Pkg[] = readdirSync(join(root, 'packages'))
  .filter((folder) => existsSync(join(root, 'packages', folder, 'package.json')))
  .sort()
  .map((folder) => ({
    folder,
    dir: join(root, 'packages', folder),
    name: `@perf/${folder}`,
    pascal: folder.replace(/(^|-)([a-z])/g, (_, _dash, c: string) => c.toUpperCase()),
    constant: folder.toUpperCase().replace(/-/g, '_'),
  }));

type Module = Record<string, unknown>;
type Constructor = abstract new (...args: never[]) => object;

/** One instance of each package's main class, to check `stats()` and the lifecycle on a real object. */
type Factory = (m: Module) => Promise<object> | object;
const construct = (m: Module, name: string, ...args: unknown[]): object =>
  new (m[name] as new (...a: unknown[]) => object)(...args);
const instances: Record<string, Factory> = {
  '@perf/batch-writer': (m) => construct(m, 'BatchWriter', { flush: async () => {} }),
  '@perf/buffer-pool': (m) => construct(m, 'BufferPool'),
  '@perf/cache': (m) => construct(m, 'Cache', { max: 1 }),
  '@perf/circuit-breaker': (m) => construct(m, 'CircuitBreaker'),
  '@perf/jwt-cache': (m) =>
    (m.createVerifier as (o: object) => Promise<object>)({
      keys: [{ key: new Uint8Array(32), alg: 'HS256' }],
      algorithms: ['HS256'],
    }),
  '@perf/metrics': (m) => construct(m, 'Registry'),
  '@perf/rate-limit': (m) => construct(m, 'RateLimiter', { limit: 10, windowMs: 1000 }),
};

const load = (pkg: Pkg, file = 'index'): Promise<Module> =>
  import(pathToFileURL(join(pkg.dir, 'src', `${file}.ts`)).href);
const read = (pkg: Pkg, file: string): string => readFileSync(join(pkg.dir, file), 'utf8');
const filesIn = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : [];
const isClass = (v: unknown): v is Constructor =>
  typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));
const extendsClass = (sub: Constructor, base: Constructor): boolean => sub.prototype instanceof base;

/** Words one package uses for an idea that another names differently: the contract picks one. */
const STATS_SYNONYMS: Record<string, string> = {
  rejections: 'rejected',
  cacheSize: 'size',
  entries: 'size',
  timedOut: 'timeouts',
  failed: 'failures',
};

describe.each(packages)('$name', (pkg) => {
  it('has the files every package has: src/{index,errors,options,channels}.ts, test/, bench/*.bench.ts, README.md, LICENSE', () => {
    for (const file of ['src/index.ts', 'src/errors.ts', 'src/options.ts', 'src/channels.ts', 'README.md', 'LICENSE']) {
      expect(existsSync(join(pkg.dir, file)), file).toBe(true);
    }
    expect(filesIn(join(pkg.dir, 'test')).some((f) => f.endsWith('.test.ts'))).toBe(true);
    expect(filesIn(join(pkg.dir, 'bench')).some((f) => f.endsWith('.bench.ts'))).toBe(true);
  });

  it('names files camelCase after what they hold, and tests after behaviour (no review.test.ts)', () => {
    const camel = /^[a-z][a-zA-Z0-9]*(\.test|\.test-d|\.bench)?\.ts$/;
    for (const folder of ['src', 'test', 'bench']) {
      for (const file of filesIn(join(pkg.dir, folder)).filter((f) => f.endsWith('.ts'))) {
        const base = file.split('/').pop() as string;
        expect(base, `${folder}/${file}`).toMatch(camel);
        expect(base, `${folder}/${file}`).not.toMatch(/^review\b/);
      }
    }
  });

  it('declares every error class in src/errors.ts, each coded PERF_<PACKAGE>_<REASON>, with a code union type', () => {
    for (const file of filesIn(join(pkg.dir, 'src')).filter((f) => f.endsWith('.ts') && f !== 'errors.ts')) {
      expect(read(pkg, `src/${file}`), `src/${file} declares an error class`).not.toMatch(
        /class \w+ extends \w*Error\b/,
      );
    }
    const source = read(pkg, 'src/errors.ts');
    const codes = [...source.matchAll(/readonly code = '([A-Z_]+)'/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(1);
    for (const code of codes) expect(code).toMatch(new RegExp(`^PERF_${pkg.constant}_[A-Z]+(_[A-Z]+)*$`));
    const union = new RegExp(`export type ${pkg.pascal}ErrorCode =([^;]+);`).exec(source)?.[1] ?? '';
    expect([...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).sort()).toEqual([...new Set(codes)].sort());
  });

  it('exports a base <Package>Error that every exported error extends, and InvalidOptionError(option, expected, received)', async () => {
    const m = await load(pkg);
    const base = m[`${pkg.pascal}Error`];
    expect(isClass(base), `${pkg.pascal}Error is exported`).toBe(true);
    // The base itself is an exported Error class too, but no class extends itself.
    const errors = Object.entries(m).filter(
      ([, v]) => isClass(v) && v !== base && extendsClass(v, Error as unknown as Constructor),
    );
    for (const [name, cls] of errors) expect(extendsClass(cls as Constructor, base as Constructor), name).toBe(true);
    const InvalidOption = m.InvalidOptionError as new (option: string, expected: string, received: unknown) => Error;
    const error = new InvalidOption('retry.baseDelayMs', 'a number of milliseconds ≥ 0', -1) as Error &
      Record<string, unknown>;
    expect(error).toBeInstanceOf(base as Constructor);
    expect(error).toMatchObject({
      name: 'InvalidOptionError',
      code: `PERF_${pkg.constant}_INVALID_OPTION`,
      option: 'retry.baseDelayMs',
      expected: 'a number of milliseconds ≥ 0',
      received: -1,
    });
    expect(error.message).toBe(
      `${pkg.name}: option retry.baseDelayMs must be a number of milliseconds ≥ 0, received -1`,
    );
  });

  it('exports channelNames: perf:<package>:<event>, keyed by the camelCase event', async () => {
    const { channelNames } = await load(pkg);
    expect(channelNames, 'channelNames is exported').toBeTypeOf('object');
    const entries = Object.entries(channelNames as Record<string, string>);
    expect(entries.length).toBeGreaterThan(0);
    for (const [event, channel] of entries) {
      expect(channel).toMatch(new RegExp(`^perf:${pkg.folder}:[a-z][a-z0-9]*(-[a-z0-9]+)*$`));
      const kebab = channel.split(':')[2] as string;
      expect(event).toBe(kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
    }
  });

  it('constructs with new X(options); a create*() factory exists only where construction is async', async () => {
    const m = await load(pkg);
    for (const [name, value] of Object.entries(m)) {
      if (/^create[A-Z]/.test(name) && typeof value === 'function') {
        expect(value.constructor.name, `${name} must be async or be a class`).toBe('AsyncFunction');
      }
    }
  });

  it('gives every exported class with close() a Symbol.asyncDispose too', async () => {
    const m = await load(pkg);
    for (const [name, value] of Object.entries(m)) {
      if (!isClass(value)) continue;
      const proto = value.prototype as Record<string | symbol, unknown>;
      if (typeof proto.close === 'function') expect(typeof proto[Symbol.asyncDispose], name).toBe('function');
    }
  });

  it('stats() is a plain object of numbers with the instance name, in the shared words', async () => {
    const make = instances[pkg.name];
    if (make === undefined) throw new Error(`add a factory for ${pkg.name} to "instances" in this file`);
    const instance = (await make(await load(pkg))) as { stats(): Record<string, unknown>; close?(): unknown };
    const stats = instance.stats();
    expect(Object.getPrototypeOf(stats)).toBe(Object.prototype);
    expect(stats.name).toBeTypeOf('string');
    for (const key of Object.keys(stats)) {
      expect(STATS_SYNONYMS[key], `stats().${key}: say ${STATS_SYNONYMS[key]}`).toBeUndefined();
    }
    await instance.close?.();
  });

  it('package.json: ESM, side-effect free, MIT, the root engines, types + default per export, caret ranges, public', () => {
    const m = JSON.parse(read(pkg, 'package.json')) as Record<string, unknown> & {
      exports: Record<string, unknown>;
      files: string[];
      dependencies?: Record<string, string>;
      publishConfig?: { access?: string };
    };
    expect(m).toMatchObject({
      name: pkg.name,
      type: 'module',
      sideEffects: false,
      license: 'MIT',
      engines: rootManifest.engines,
    });
    expect(m.files).toContain('LICENSE');
    expect(m.publishConfig?.access).toBe('public');
    for (const [subpath, target] of Object.entries(m.exports)) {
      if (subpath === './package.json') continue;
      expect(Object.keys(target as object), subpath).toEqual(['types', 'default']);
    }
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) expect(range, dep).toMatch(/^\^\d/);
  });

  it('README: title, install line, a first example in plain JavaScript, API, failure modes, benchmarks with the command', () => {
    const readme = read(pkg, 'README.md');
    expect(readme.startsWith(`# ${pkg.name}\n`)).toBe(true);
    expect(readme).toMatch(new RegExp(`\`\`\`sh\\nnpm i ${pkg.name}\\b`));
    expect([...readme.matchAll(/```(\w*)\n[\s\S]*?```/g)].map((b) => b[1]).find((lang) => lang !== 'sh')).toBe('js');
    for (const heading of ['## API', '## Failure modes', '## Benchmarks']) expect(readme).toContain(`\n${heading}\n`);
    expect(readme).toContain(`pnpm bench --filter ${pkg.name}`);
  });
});

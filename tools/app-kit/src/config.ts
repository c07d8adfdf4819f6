// Configuration from the environment, validated once at start. Every problem
// is collected and reported together, each line naming its variable, what it
// got and what it takes, so a bad deployment fails at once and says why.

/** Thrown by `EnvReader.done()` when any variable was wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One entry per wrong variable. */
  readonly problems: readonly { readonly variable: string; readonly message: string }[];

  constructor(app: string, problems: ConfigError['problems']) {
    super(`${app}: invalid configuration\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads typed variables; a wrong value is recorded (and its default returned
 * so reading can go on) until `done()` throws them all as one ConfigError.
 */
export class EnvReader {
  readonly #env: Env;
  readonly #app: string;
  readonly #problems: { variable: string; message: string }[] = [];

  constructor(app: string, env: Env = process.env) {
    this.#app = app;
    this.#env = env;
  }

  #raw(name: string): string | undefined {
    const v = this.#env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  #wrong<T>(name: string, message: string, fallback: T): T {
    this.#problems.push({ variable: name, message });
    return fallback;
  }

  string(name: string, fallback: string): string {
    return this.#raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.#raw(name);
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < range.min || n > range.max) {
      return this.#wrong(name, `got "${raw}"; set an integer from ${range.min} to ${range.max}`, fallback);
    }
    return n;
  }

  /** A TCP port; 0 lets the system pick one. */
  port(name: string, fallback: number): number {
    return this.integer(name, fallback, { min: 0, max: 65_535 });
  }

  oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      return this.#wrong(name, `got "${raw}"; set one of ${allowed.join(', ')}`, fallback);
    }
    return raw as T;
  }

  /** A URL whose protocol is one of `protocols` (e.g. `['postgres:', 'postgresql:']`), or undefined when unset. */
  optionalUrl(name: string, protocols: readonly string[]): string | undefined {
    const raw = this.#raw(name);
    if (raw === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return this.#wrong(name, `is not a URL; set e.g. ${protocols[0]}//host:port/…`, undefined);
    }
    if (!protocols.includes(url.protocol)) {
      return this.#wrong(name, `has protocol ${url.protocol}; set a ${protocols.join(' or ')} URL`, undefined);
    }
    return raw;
  }

  /** Records a problem found by a check across variables (e.g. WORKERS > 1 without DATABASE_URL). */
  problem(name: string, message: string): void {
    this.#problems.push({ variable: name, message });
  }

  /** Throws every problem found as one ConfigError. */
  done(): void {
    if (this.#problems.length > 0) throw new ConfigError(this.#app, this.#problems);
  }
}

/** A URL with its password replaced by `***`, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.href;
  } catch {
    return '(unparseable URL)';
  }
}

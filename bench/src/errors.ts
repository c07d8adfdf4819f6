// Every way the benchmark tooling refuses to go on, each with a stable `code`
// so scripts (and tests) can tell them apart, and a message that says what to do.

/** Base class: `code` is stable across releases (`PERF_BENCH_<REASON>`). */
export class BenchError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A results file that is empty, truncated, not JSON, of another schema or missing fields. */
export class CorruptResultsError extends BenchError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      'PERF_BENCH_CORRUPT_RESULTS',
      `${path} is not a usable results file: ${reason}. Delete it (or the run that wrote it was interrupted: run \`pnpm bench\` again).`,
    );
  }
}

/** Two runs recorded on different machines or Node versions: their timings are not comparable. */
export class EnvironmentMismatchError extends BenchError {
  constructor(
    readonly differences: readonly string[],
    baselinePath: string,
  ) {
    super(
      'PERF_BENCH_ENV_MISMATCH',
      `refusing to compare: the baseline ${baselinePath} was recorded in another environment (${differences.join('; ')}). ` +
        'Timings are only comparable on the same CPU, core count and Node version: record a baseline here with `pnpm bench:baseline`.',
    );
  }
}

/** `pnpm bench:compare` without a baseline. */
export class MissingBaselineError extends BenchError {
  constructor(readonly path: string) {
    super('PERF_BENCH_NO_BASELINE', `no baseline at ${path}: record one first with \`pnpm bench:baseline\`.`);
  }
}

/** A report or comparison asked for, but no benchmark run has been recorded. */
export class NoResultsError extends BenchError {
  constructor(readonly dir: string) {
    super('PERF_BENCH_NO_RESULTS', `no benchmark results in ${dir}: run \`pnpm bench\` first.`);
  }
}

/** A command-line option with a value that cannot work. */
export class InvalidOptionError extends BenchError {
  constructor(option: string, reason: string) {
    super('PERF_BENCH_INVALID_OPTION', `invalid --${option}: ${reason}`);
  }
}

/** A load case of `runLoadSuite` that resolved to no samples, or to a sample that is not a time. */
export class LoadSamplesError extends BenchError {
  constructor(
    readonly comparison: string,
    readonly caseName: string,
    reason: string,
  ) {
    super(
      'PERF_BENCH_INVALID_SAMPLES',
      `load case "${caseName}" of "${comparison}" gave ${reason}: a load case must resolve to at least one sample, ` +
        'each a finite time in ns per operation above 0 (see perOperationSamples).',
    );
  }
}

// A problem found in the configuration file. Every message names where it is
// (file, line, section, key) and what to do; errors keep the job they are in
// from loading, warnings load it and say what was ignored.

export type Severity = 'error' | 'warning';

export interface ConfigProblem {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  /** The section as written in the file, e.g. `job-local "backup"`; undefined before any section. */
  readonly section: string | undefined;
  /** The key (lower case) the problem is about, when there is one. */
  readonly key: string | undefined;
  readonly message: string;
}

/** `scheduler.ini:12: [job-local "backup"] schedule: <message>` */
export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}:${p.line}:`;
  const section = p.section === undefined ? '' : ` [${p.section}]`;
  const key = p.key === undefined ? '' : ` ${p.key}:`;
  return `${where}${section}${key} ${p.message}`;
}

/** Collects problems for one file. */
export class ProblemList {
  readonly items: ConfigProblem[] = [];
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  add(severity: Severity, line: number, section: string | undefined, key: string | undefined, message: string): void {
    this.items.push({ severity, file: this.#file, line, section, key, message });
  }

  error(line: number, section: string | undefined, key: string | undefined, message: string): void {
    this.add('error', line, section, key, message);
  }

  warning(line: number, section: string | undefined, key: string | undefined, message: string): void {
    this.add('warning', line, section, key, message);
  }
}

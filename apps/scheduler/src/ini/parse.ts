// The INI dialect Ofelia reads: gcfg's (gopkg.in/gcfg.v1, git-config syntax),
// scanned the way gcfg scans it so that a file means the same here as there:
// - `[section]` and `[section "subsection"]`; section and key names are
//   letters, digits and `-`, start with a letter and ignore case; subsection
//   names are case-sensitive, quoted, with `\"`, `\\`, `\n`, `\t` escapes.
// - `key = value`: the value runs to the end of the line or an unquoted `;`
//   or `#` (a comment), surrounding blanks trimmed; `"` toggles quoting and is
//   removed (`echo "a b"` reads `echo a b`); inside quotes `\"`, `\\`, `\n`,
//   `\t`; outside, `\` at the end of a line continues the value on the next.
// - `key` alone (no `=`): "blank", true for a boolean, and for a repeatable
//   key it empties the list built so far.
// Unlike gcfg, an error does not abort the file: it is recorded with its line
// and the section it is in is marked broken (that job will not load), so the
// other jobs still run.
import type { ProblemList } from './problems.js';

export interface IniEntry {
  /** Lower case, as matching is case-insensitive. */
  readonly key: string;
  /** `undefined` for a key written without `=` (gcfg's blank value). */
  readonly value: string | undefined;
  readonly line: number;
  /** The value as written, quotes and escapes included (for warnings about them). */
  readonly raw: string;
  /** The value was ended by a comment (`;` or `#`) rather than by the end of the line. */
  readonly endedByComment: boolean;
}

export interface IniSection {
  /** Lower case: `global`, `job-local`, … */
  readonly name: string;
  /** The quoted part of the header (case kept), or undefined. */
  readonly subsection: string | undefined;
  /** How the header reads in messages: `job-local "backup"`. */
  readonly label: string;
  readonly line: number;
  readonly entries: IniEntry[];
  /** A syntax error inside it: the section must not be used. */
  broken: boolean;
}

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r';
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n', t: '\t' };

class IniSyntaxError extends Error {}

/** Parses `source`; problems (with line numbers) go to `problems`. */
export function parseIni(source: string, problems: ProblemList): IniSection[] {
  // gcfg skips one leading UTF-8 byte order mark.
  const src = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let orphanReported = false;
  let pos = 0;
  let line = 1;

  const peek = (): string | undefined => src[pos];
  const skipBlanks = () => {
    while (isBlank(src[pos])) pos++;
  };
  const skipToLineEnd = () => {
    while (pos < src.length && src[pos] !== '\n') pos++;
  };
  const atLineEnd = (): boolean => {
    const c = peek();
    return c === undefined || c === '\n' || c === ';' || c === '#';
  };
  const identifier = (): string => {
    const start = pos;
    while (pos < src.length) {
      const c = src[pos] as string;
      if (isLetter(c) || isDigit(c) || c === '-') pos++;
      else break;
    }
    return src.slice(start, pos);
  };
  // A quoted subsection name: `"` already seen at pos.
  const quoted = (): string => {
    pos++;
    let out = '';
    for (;;) {
      const c = src[pos];
      if (c === undefined || c === '\n') throw new IniSyntaxError('string not terminated: add the closing "');
      pos++;
      if (c === '"') return out;
      if (c === '\\') {
        const e = src[pos];
        const mapped = e === undefined ? undefined : ESCAPES[e];
        if (mapped === undefined)
          throw new IniSyntaxError(`unknown escape sequence \\${e ?? ''}: use \\", \\\\, \\n or \\t`);
        out += mapped;
        pos++;
      } else out += c;
    }
  };
  let raw = '';
  // A value after `=`: gcfg's scanValString then unquote, in one pass.
  const value = (): string => {
    skipBlanks();
    const start = pos;
    let out = '';
    let kept = 0; // length of `out` up to its last character that is not a trailing blank
    let inQuote = false;
    for (;;) {
      const c = src[pos];
      if (c === undefined) {
        if (inQuote) throw new IniSyntaxError('string not terminated: add the closing "');
        break;
      }
      if (!inQuote && (c === '\n' || c === ';' || c === '#')) break;
      if (c === '\n') throw new IniSyntaxError('string not terminated: add the closing " before the end of the line');
      pos++;
      if (c === '\\') {
        if (inQuote) {
          const e = src[pos];
          const mapped = e === undefined ? undefined : ESCAPES[e];
          if (mapped === undefined) {
            throw new IniSyntaxError(`unknown escape sequence \\${e ?? ''} in quotes: use \\", \\\\, \\n or \\t`);
          }
          out += mapped;
          pos++;
          kept = out.length;
          continue;
        }
        if (src[pos] === '\r') pos++;
        if (src[pos] !== '\n') {
          throw new IniSyntaxError(
            'an unquoted \'\\\' must end the line (to continue the value on the next); write "\\\\" for a backslash',
          );
        }
        pos++;
        line++;
        continue;
      }
      if (c === '"') {
        inQuote = !inQuote;
        kept = out.length;
        continue;
      }
      if (c === '\r') continue;
      out += c;
      if (inQuote || !isBlank(c)) kept = out.length;
    }
    raw = src.slice(start, pos).trimEnd();
    return out.slice(0, kept);
  };
  const expectLineEnd = (what: string) => {
    skipBlanks();
    if (!atLineEnd())
      throw new IniSyntaxError(`unexpected "${peek()}" after ${what}: expected the end of the line or a comment`);
  };

  while (pos < src.length) {
    skipBlanks();
    const c = peek();
    if (c === undefined) break;
    if (c === '\n') {
      pos++;
      line++;
      continue;
    }
    if (c === ';' || c === '#') {
      skipToLineEnd();
      continue;
    }
    const startLine = line;
    try {
      if (c === '[') {
        pos++;
        current = undefined;
        skipBlanks();
        const name = identifier();
        if (name === '' || !isLetter(name[0] as string)) {
          throw new IniSyntaxError('expected a section name after "[" (letters, digits and -, starting with a letter)');
        }
        skipBlanks();
        let subsection: string | undefined;
        if (peek() === '"') {
          subsection = quoted();
          if (subsection === '') {
            throw new IniSyntaxError(
              `[${name} ""]: an empty name is not allowed; write [${name}] or give the job a name`,
            );
          }
          skipBlanks();
        }
        if (peek() !== ']') {
          throw new IniSyntaxError(
            subsection === undefined
              ? `expected a quoted name or "]" after [${name}`
              : `expected "]" after [${name} "${subsection}"`,
          );
        }
        pos++;
        const label = subsection === undefined ? name : `${name} "${subsection}"`;
        current = {
          name: name.toLowerCase(),
          subsection,
          label,
          line: startLine,
          entries: [],
          broken: false,
        };
        sections.push(current);
        orphanReported = false;
        expectLineEnd(`[${label}]`);
        continue;
      }
      if (isLetter(c)) {
        const key = identifier();
        skipBlanks();
        let v: string | undefined;
        raw = '';
        if (!atLineEnd()) {
          if (peek() !== '=') {
            throw new IniSyntaxError(
              `expected "=" after ${key} (key names are letters, digits and -; found "${peek()}")`,
            );
          }
          pos++;
          v = value();
        }
        if (current === undefined) {
          if (!orphanReported) {
            problems.error(
              startLine,
              undefined,
              key.toLowerCase(),
              sections.length === 0
                ? 'a key before any section: put it under [global] or a [job-… "name"] section'
                : 'this key follows a section header that could not be read, and is ignored with its section',
            );
            orphanReported = true;
          }
        } else {
          const endedByComment = peek() === ';' || peek() === '#';
          current.entries.push({ key: key.toLowerCase(), value: v, line: startLine, raw, endedByComment });
        }
        expectLineEnd(`the value of ${key}`);
        continue;
      }
      throw new IniSyntaxError(`expected a [section] header or a key = value line, found "${c}"`);
    } catch (error) {
      if (!(error instanceof IniSyntaxError)) throw error;
      problems.error(line, current?.label, undefined, error.message);
      if (current !== undefined) current.broken = true;
      else orphanReported = true; // keys after a bad header are not reported one by one
      skipToLineEnd();
    }
  }
  return sections;
}

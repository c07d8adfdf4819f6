// A command line split into arguments the way Ofelia splits it (the rules of
// github.com/gobs/args, which Ofelia calls for local, exec and run commands),
// so that a command means the same here. No shell is involved:
// - arguments are separated by blanks; `\` makes the next character literal;
// - an argument that starts with ', " or ` runs to the matching quote, which
//   is removed (`sh -c 'date | wc'` is sh, -c, date | wc);
// - an argument that starts with {, ( or [ runs to its matching bracket,
//   brackets kept;
// - an argument that starts with | > < or # takes the rest of the line as one
//   argument (so `echo a > f` passes "> f" to echo).
// Pipes and redirections therefore need `sh -c '…'`, as in Ofelia.

const QUOTES = new Set(["'", '"', '`']);
const SYMBOLS = new Set(['|', '>', '<', '#']);
const CLOSING: Readonly<Record<string, string>> = { '{': '}', '[': ']', '(': ')' };
const isSpace = (c: string): boolean => /\s/u.test(c);

export function splitCommand(line: string): string[] {
  const chars = [...line];
  const args: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let token = '';
    let started = false;
    let escaped = false;
    let quote: string | undefined;
    const brackets: string[] = [];
    let done = false;
    for (; i < chars.length && !done; i++) {
      const c = chars[i] as string;
      if (c === '\\' && !escaped) {
        escaped = true;
        started = true;
        continue;
      }
      if (escaped) {
        escaped = false;
        token += c;
        continue;
      }
      if (!started) {
        if (isSpace(c)) continue;
        started = true;
        if (QUOTES.has(c)) {
          quote = c;
          continue;
        }
        const close = CLOSING[c];
        if (close !== undefined) {
          brackets.push(close);
          token += c;
          continue;
        }
        if (SYMBOLS.has(c)) {
          token = chars.slice(i).join('');
          i = chars.length;
          done = true;
          break;
        }
      }
      if (brackets.length === 0) {
        if (quote === undefined && isSpace(c)) {
          done = true;
          continue;
        }
        if (c === quote) {
          done = true;
          continue;
        }
        token += c;
        continue;
      }
      token += c;
      if (quote === undefined) {
        if (c === brackets[brackets.length - 1]) {
          brackets.pop();
          if (brackets.length === 0) done = true;
        } else if (QUOTES.has(c)) quote = c;
        else {
          const nested = CLOSING[c];
          if (nested !== undefined) brackets.push(nested);
        }
      } else if (c === quote) quote = undefined;
    }
    if (started) args.push(token);
  }
  return args;
}

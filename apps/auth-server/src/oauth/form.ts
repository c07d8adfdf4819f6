// The request body of the OAuth endpoints: application/x-www-form-urlencoded
// only (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). A parameter sent more
// than once is invalid_request (RFC 6749 §3.1), except `resource`, which RFC
// 8707 §2 lets a client repeat to name several resources.
import { invalidRequest } from './errors.js';

const REPEATABLE: ReadonlySet<string> = new Set(['resource']);
const FORM = 'application/x-www-form-urlencoded';

/** The parameters of one request, decoded. Empty values count as omitted (RFC 6749 §3.1). */
export class FormParams {
  readonly #values = new Map<string, string[]>();

  get(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** Every value of a repeatable parameter, in order. */
  all(name: string): readonly string[] {
    return this.#values.get(name) ?? [];
  }

  /** Parses a form body; throws invalid_request on a repeated or nameless parameter or bad encoding. */
  static parse(body: string): FormParams {
    const params = new FormParams();
    const seen = new Set<string>();
    for (const pair of body.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
      if (name === '') throw invalidRequest('a form parameter has no name');
      if (seen.has(name) && !REPEATABLE.has(name)) {
        throw invalidRequest(`the parameter ${name} is included more than once`);
      }
      seen.add(name);
      if (value === '') continue;
      const list = params.#values.get(name);
      if (list === undefined) params.#values.set(name, [value]);
      else list.push(value);
    }
    return params;
  }
}

/** True when the Content-Type is the form type (parameters such as charset allowed). */
export function isForm(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() === FORM;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest('the form body is not valid percent-encoding');
  }
}

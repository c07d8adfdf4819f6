// Repository names. A name becomes a directory under the repositories folder,
// so it is checked against one strict pattern before anything else sees it:
// lower-case ASCII letters, digits, `.`, `_` and `-`, starting with a letter
// or digit, at most 100 characters, never `..` and never ending in `.git`
// (URLs may add that suffix) or `.lock` (git's lock files). Everything else
// (`/`, `\`, `%`, NUL, Unicode look-alikes, upper case that would collide on
// a case-insensitive file system) is refused, never rewritten.

const PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Why a name was refused, or undefined when it is valid. */
export function invalidRepoName(name: string): string | undefined {
  if (!PATTERN.test(name)) {
    return 'use 1 to 100 of a-z, 0-9, ".", "_" and "-", starting with a letter or digit';
  }
  if (name.includes('..')) return 'must not contain ".."';
  if (name.endsWith('.git')) return 'must not end in ".git" (clone URLs add it)';
  if (name.endsWith('.lock')) return 'must not end in ".lock"';
  return undefined;
}

/** The repository a URL segment names (`name` or `name.git`), or undefined when it names none. */
export function repoFromSegment(segment: string): string | undefined {
  const name = segment.endsWith('.git') ? segment.slice(0, -4) : segment;
  return invalidRepoName(name) === undefined ? name : undefined;
}

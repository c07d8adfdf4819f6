// The access token a request presents: `Authorization: Bearer <token>` (API
// clients) or `Authorization: Basic` with the token as the password (what the
// git CLI and its credential helpers send; the user name is ignored, and a
// token given as the user name with an empty password is taken too).

export type Presented =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'token'; readonly token: string; readonly scheme: 'basic' | 'bearer' }
  | { readonly kind: 'malformed'; readonly why: string };

const ANONYMOUS: Presented = { kind: 'anonymous' };

export function presentedToken(header: string | undefined): Presented {
  if (header === undefined || header === '') return ANONYMOUS;
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer') {
    return rest === ''
      ? { kind: 'malformed', why: 'the Bearer token is empty' }
      : { kind: 'token', token: rest, scheme };
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'malformed', why: 'Basic credentials must be user:password (base64)' };
    const password = decoded.slice(colon + 1);
    const token = password !== '' ? password : decoded.slice(0, colon);
    return token === ''
      ? { kind: 'malformed', why: 'give the access token as the password' }
      : { kind: 'token', token, scheme: 'basic' };
  }
  return { kind: 'malformed', why: `the ${scheme} scheme is not supported; send Basic or Bearer` };
}

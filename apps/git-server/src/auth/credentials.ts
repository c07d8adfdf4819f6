// The access token a request presents: `Authorization: Bearer <token>` (API
// clients) or `Authorization: Basic` with the token as the password (what the
// git CLI and its credential helpers send; the user name is ignored, and a
// token given as the user name with an empty password is taken too).

export type Presented =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'token'; readonly token: string; readonly scheme: 'basic' | 'bearer' }
  | { readonly kind: 'malformed'; readonly why: string };

const ANONYMOUS: Presented = { kind: 'anonymous' };

// Basic credentials are base64 that every request of a client repeats; decoding
// ~500 characters costs ~0.9 µs, half of a request's budget. So the last header
// seen in each of 256 slots is kept with its result: a slot is picked from the
// header's length and last characters (no hashing of the whole string), and a
// hit needs the whole header to be equal. Tokens that share a slot replace each
// other: a miss costs one decoding, never a wrong answer.
const SLOTS = 256;
const seenHeaders: (string | undefined)[] = new Array(SLOTS);
const seenResults: Presented[] = new Array(SLOTS);

function slotOf(header: string): number {
  const n = header.length;
  return (
    (n * 31 + header.charCodeAt(n - 1) * 7 + header.charCodeAt(n - 3) * 131 + header.charCodeAt(n - 7)) & (SLOTS - 1)
  );
}

export function presentedToken(header: string | undefined): Presented {
  if (header === undefined || header === '') return ANONYMOUS;
  // Short headers cost nothing to decode; very long ones (junk) are not worth keeping.
  if (header.length < 16 || header.length > 12_288) return decode(header);
  const slot = slotOf(header);
  if (seenHeaders[slot] === header) return seenResults[slot] as Presented;
  const presented = decode(header);
  seenHeaders[slot] = header;
  seenResults[slot] = presented;
  return presented;
}

function decode(header: string): Presented {
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

// Parsing of the JWS Compact Serialization (RFC 7515 §7.1, validation steps of
// §5.2): three base64url segments, a JSON-object protected header, and (for a
// JWT, RFC 7519 §7.2) a JSON-object claims set. Everything here throws only
// MalformedTokenError.
import { MalformedTokenError } from './errors.js';

/** A JWT claims set (RFC 7519 §4): the registered claims, typed, plus any others. */
export interface JwtClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly [claim: string]: unknown;
}

/** The protected header of a compact JWS. */
export interface JwsHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly [parameter: string]: unknown;
}

/** Where the segments of a compact JWS are, and its decoded header. */
export interface CompactJws {
  readonly header: JwsHeader;
  /** Index of the dot after the header. */
  readonly dot1: number;
  /** Index of the dot after the payload. */
  readonly dot2: number;
}

/** The longest `kid` accepted: a key id is a short name, never a document. */
const MAX_KID_LENGTH = 256;

// Unpadded base64url (RFC 7515 §2): only the 64 alphabet characters. Sticky,
// so it scans token[start, end) in place without slicing.
const BASE64URL_RUN = /[A-Za-z0-9_-]*/y;

// The 6-bit value of each base64url character, by char code.
const SEXTET = new Uint8Array(128);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  SEXTET[c.charCodeAt(0)] = i;
}

/**
 * True when token[start, end) is canonical unpadded base64url of a whole
 * number of bytes. Buffer's own decoder skips anything else silently, so this
 * check must come first. Canonical: the bits of the last character that
 * encode no byte are zero (RFC 4648 §3.5), so each byte string has exactly
 * one encoding and a signature cannot be re-spelled into a second token.
 */
function isBase64url(token: string, start: number, end: number): boolean {
  const tail = (end - start) % 4;
  if (tail === 1) return false;
  BASE64URL_RUN.lastIndex = start;
  BASE64URL_RUN.test(token);
  if (BASE64URL_RUN.lastIndex < end) return false;
  // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
  return tail === 0 || ((SEXTET[token.charCodeAt(end - 1)] as number) & (tail === 2 ? 0x0f : 0x03)) === 0;
}

/** Decodes token[start, end) as strict base64url. */
export function decodeSegment(token: string, start: number, end: number, what: string): Buffer {
  if (!isBase64url(token, start, end)) throw new MalformedTokenError(`the ${what} is not base64url`);
  return Buffer.from(token.slice(start, end), 'base64url');
}

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MalformedTokenError(`the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedTokenError(`the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

// An issuer uses a handful of headers (one per key), so their decoded form is
// remembered by their encoded segment: a few hundred ns instead of a decode
// and a JSON.parse per token. Only valid, short headers enter (so it holds at
// most 256 × 512 characters), and it is cleared when full. The last header
// seen is checked first, by an exact compare of the segment in place: most
// tokens carry the same header as the one before, and that costs no slice
// and no hash of the segment.
const HEADER_CACHE_SIZE = 256;
const MAX_CACHED_HEADER = 512;
const headers = new Map<string, JwsHeader>();
let lastSegment = '';
let lastHeader: JwsHeader | undefined;

/** Splits a compact JWS and decodes its protected header (RFC 7515 §5.2 steps 1–4). */
export function parseCompactJws(token: string): CompactJws {
  const dot1 = token.indexOf('.');
  const dot2 = dot1 === -1 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 === -1 || token.indexOf('.', dot2 + 1) !== -1) {
    throw new MalformedTokenError('a JWT has exactly three dot-separated segments (a JWE or a bare string is not one)');
  }
  if (lastHeader !== undefined && dot1 === lastSegment.length && token.startsWith(lastSegment)) {
    return { header: lastHeader, dot1, dot2 };
  }
  const segment = token.slice(0, dot1);
  let header = headers.get(segment);
  if (header === undefined) {
    header = parseHeader(token, dot1);
    if (dot1 > MAX_CACHED_HEADER) return { header, dot1, dot2 };
    if (headers.size >= HEADER_CACHE_SIZE) headers.clear();
    headers.set(segment, header);
  }
  lastSegment = segment;
  lastHeader = header;
  return { header, dot1, dot2 };
}

function parseHeader(token: string, dot1: number): JwsHeader {
  const header = parseJsonObject(decodeSegment(token, 0, dot1, 'header'), 'header');
  if (typeof header.alg !== 'string') throw new MalformedTokenError('the header has no string "alg"');
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > MAX_KID_LENGTH)) {
    throw new MalformedTokenError(`"kid" must be a string of at most ${MAX_KID_LENGTH} characters`);
  }
  // RFC 7515 §4.1.11: extensions listed in "crit" must be understood; we
  // understand none, so any "crit" (or an unencoded payload, RFC 7797) is refused.
  if (header.crit !== undefined || header.b64 !== undefined) {
    throw new MalformedTokenError('critical header extensions ("crit", "b64") are not supported');
  }
  return Object.freeze(header) as JwsHeader;
}

/**
 * Checks that the payload and the signature are base64url (RFC 7515 §5.2
 * steps 2 and 7) and returns the decoded signature.
 */
export function decodeSignature(token: string, jws: CompactJws): Buffer {
  const { dot1, dot2 } = jws;
  if (!isBase64url(token, dot1 + 1, dot2) || !isBase64url(token, dot2 + 1, token.length)) {
    throw new MalformedTokenError('the payload or signature is not base64url');
  }
  return Buffer.from(token.slice(dot2 + 1), 'base64url');
}

/**
 * Decodes the claims set (RFC 7519 §7.2 steps 9–10) once the signature has
 * been verified. Only after `decodeSignature` accepted the token: the payload
 * segment's alphabet is not checked twice.
 */
export function parseClaims(token: string, jws: CompactJws): JwtClaims {
  const payload = Buffer.from(token.slice(jws.dot1 + 1, jws.dot2), 'base64url');
  return parseJsonObject(payload, 'claims set') as JwtClaims;
}

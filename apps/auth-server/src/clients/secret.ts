// Client secrets are stored as scrypt hashes (RFC 7914), never as they are:
// a stolen database reveals no secret, and guessing one costs a KDF per try.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

// N = 2^15, r = 8, p = 1: OWASP's scrypt minimum; ~30–60 ms here, off the event loop.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `secret` matches `stored`; the comparison takes the same time wherever they differ. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || expected === undefined) return false;
  const want = Buffer.from(expected, 'base64url');
  const got = await derive(secret, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === want.length && timingSafeEqual(got, want);
}

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return scryptAsync(secret, salt, KEY_BYTES, { ...params, maxmem: 256 * params.N * params.r });
}

/** A new client secret: 32 random bytes, base64url (256 bits). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

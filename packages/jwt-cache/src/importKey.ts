// Turns whatever key form a user has (JWK, PEM, CryptoKey, KeyObject, secret
// bytes) into a node:crypto KeyObject pinned to one algorithm. jose does the
// parsing and its own key/algorithm checks; we keep the KeyObject so the hot
// path can call node:crypto synchronously.
import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { type CryptoKey, importJWK, importPKCS8, importSPKI, importX509, type JWK } from 'jose';
import { type Algorithm, algorithmSpec, keyMismatch } from './algorithms.js';
import { InvalidOptionError, Redacted } from './errors.js';

/** A key in any form jose or node:crypto can read: a JWK, a PEM string (SPKI, X.509 certificate, PKCS#8), a CryptoKey, a KeyObject, or the raw bytes of an HMAC secret. */
export type KeyInput = JWK | string | CryptoKey | KeyObject | Uint8Array;

// The public members of each key type: anything else (notably the private
// `d`, `p`, `q`...) is dropped before a JWK is imported for verification.
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};

/** A JWK reduced to its public members (oct keys are returned as they are). */
export function publicJwk(jwk: JWK): JWK {
  const members =
    typeof jwk.kty === 'string' && Object.hasOwn(PUBLIC_MEMBERS, jwk.kty) ? PUBLIC_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return jwk;
  const out: Record<string, unknown> = {};
  for (const m of members) if (jwk[m as keyof JWK] !== undefined) out[m] = jwk[m as keyof JWK];
  return out as JWK;
}

/** A key as an error may show it: its kind, never its material. */
export function redactedKeyInput(input: unknown): Redacted {
  if (input instanceof KeyObject) return redactedKeyObject(input);
  if (typeof input === 'string') {
    return new Redacted(input.includes('-----BEGIN') ? 'a PEM string' : `a string of ${input.length} characters`);
  }
  if (input instanceof Uint8Array) return new Redacted(`a secret of ${input.length} bytes`);
  if (typeof input === 'object' && input !== null) {
    if ('kty' in input) return new Redacted(`a JWK (kty ${JSON.stringify(String(input.kty))})`);
    return new Redacted(`a ${input.constructor?.name || 'object'}`);
  }
  return new Redacted(String(input));
}

/** An imported key as an error may show it: type, family and size or curve. */
function redactedKeyObject(key: KeyObject): Redacted {
  if (key.type === 'secret') return new Redacted(`a secret of ${key.symmetricKeySize} bytes`);
  const details = key.asymmetricKeyDetails;
  const size = details?.namedCurve ?? (details?.modulusLength === undefined ? '' : `${details.modulusLength} bits`);
  return new Redacted(`a ${key.type} ${key.asymmetricKeyType} key${size === '' ? '' : ` (${size})`}`);
}

async function toKeyObject(
  input: KeyInput,
  alg: Algorithm,
  use: 'sign' | 'verify',
  option: string,
): Promise<KeyObject> {
  if (input instanceof KeyObject) return input;
  if (input instanceof Uint8Array) return createSecretKey(input);
  if (typeof input === 'string') {
    if (algorithmSpec(alg)?.family === 'HS') {
      throw new InvalidOptionError(
        option,
        `the ${alg} secret as bytes (a Uint8Array) or an oct JWK`,
        redactedKeyInput(input),
      );
    }
    const imported = input.includes('BEGIN CERTIFICATE')
      ? await importX509(input, alg, { extractable: true })
      : input.includes('PRIVATE KEY')
        ? await importPKCS8(input, alg, { extractable: true })
        : await importSPKI(input, alg, { extractable: true });
    return KeyObject.from(imported);
  }
  // A WebCrypto CryptoKey (what jose's own import functions return).
  if ('algorithm' in input && 'usages' in input) return KeyObject.from(input as Parameters<typeof KeyObject.from>[0]);
  const jwk = use === 'verify' ? publicJwk(input as JWK) : (input as JWK);
  const imported = await importJWK(jwk, alg, { extractable: true });
  return imported instanceof Uint8Array ? createSecretKey(imported) : KeyObject.from(imported);
}

/**
 * Imports `input` for `alg`, checking that the key fits the algorithm (family,
 * curve, RSA size, HMAC secret length). For verification a private key is
 * reduced to its public half. Throws InvalidOptionError for `option` (the
 * option that holds the key), which never carries the key itself.
 */
export async function importKey(
  input: KeyInput,
  alg: Algorithm,
  use: 'sign' | 'verify',
  option: string,
): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = await toKeyObject(input, alg, use, option);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw error;
    throw new InvalidOptionError(
      option,
      `a key jose can import for ${alg} (${(error as Error).message})`,
      redactedKeyInput(input),
      { cause: error },
    );
  }
  if (use === 'verify' && key.type === 'private') key = createPublicKey(key);
  const mismatch = keyMismatch(key, alg, use);
  if (mismatch !== undefined) {
    throw new InvalidOptionError(option, `a key that fits ${alg} (${mismatch})`, redactedKeyObject(key));
  }
  return key;
}

// The JWS algorithms of RFC 7518 §3.1 (and EdDSA, RFC 8037) mapped onto
// node:crypto. Verifying and `sign()` call node:crypto synchronously: WebCrypto
// (what jose uses) costs an extra ≈ 100 µs per ES256 operation in promise hops;
// `signAsync()` uses node:crypto's thread-pool form instead.
// Where no option is needed, node:crypto gets the bare KeyObject: on Node 24
// an options object ({ key, ... }) alone adds ≈ 20 µs per call.
import {
  constants,
  createHmac,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { p1363ToDer, writeP1363 } from './ecdsaSignature.js';

/** A JWS algorithm this package verifies and signs with. `none` is never one. */
export type Algorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

type Family = 'HS' | 'RS' | 'PS' | 'ES' | 'EdDSA';

export interface AlgorithmSpec {
  readonly family: Family;
  /** Digest name for node:crypto; undefined for EdDSA (the curve hashes). */
  readonly hash: string | undefined;
  /** For ES*: the named curve the key must be on. */
  readonly curve?: string;
  /** For ES*: the size in bytes of r and of s in the JWS signature (RFC 7518 §3.4). */
  readonly size?: number;
  /** Minimum HMAC secret length in bytes (RFC 7518 §3.2: at least the hash size). */
  readonly minSecret?: number;
}

const SPECS: Readonly<Record<Algorithm, AlgorithmSpec>> = {
  HS256: { family: 'HS', hash: 'sha256', minSecret: 32 },
  HS384: { family: 'HS', hash: 'sha384', minSecret: 48 },
  HS512: { family: 'HS', hash: 'sha512', minSecret: 64 },
  RS256: { family: 'RS', hash: 'sha256' },
  RS384: { family: 'RS', hash: 'sha384' },
  RS512: { family: 'RS', hash: 'sha512' },
  PS256: { family: 'PS', hash: 'sha256' },
  PS384: { family: 'PS', hash: 'sha384' },
  PS512: { family: 'PS', hash: 'sha512' },
  ES256: { family: 'ES', hash: 'sha256', curve: 'prime256v1', size: 32 },
  ES384: { family: 'ES', hash: 'sha384', curve: 'secp384r1', size: 48 },
  ES512: { family: 'ES', hash: 'sha512', curve: 'secp521r1', size: 66 },
  EdDSA: { family: 'EdDSA', hash: undefined },
  Ed25519: { family: 'EdDSA', hash: undefined },
};

/** Every algorithm this package supports. */
export const ALGORITHMS: readonly Algorithm[] = Object.keys(SPECS) as Algorithm[];

/** The spec of `alg`, or undefined for anything unsupported (including `none` and `__proto__`). */
export function algorithmSpec(alg: string): AlgorithmSpec | undefined {
  return Object.hasOwn(SPECS, alg) ? SPECS[alg as Algorithm] : undefined;
}

/**
 * Why `key` cannot be used with `alg`, or undefined if it can. Pinning each key
 * to one algorithm of the right family is what stops HS256-with-the-public-key
 * and similar confusion attacks.
 */
export function keyMismatch(key: KeyObject, alg: Algorithm, use: 'sign' | 'verify'): string | undefined {
  const spec = SPECS[alg];
  if (spec.family === 'HS') {
    if (key.type !== 'secret') return `${alg} needs a secret key, got a ${key.type} key`;
    const size = key.symmetricKeySize ?? 0;
    if (size < (spec.minSecret ?? 0)) return `${alg} needs a secret of at least ${spec.minSecret} bytes, got ${size}`;
    return undefined;
  }
  if (key.type === 'secret') return `${alg} needs an asymmetric key, got a secret`;
  if (use === 'sign' && key.type !== 'private') return `signing with ${alg} needs a private key`;
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  switch (spec.family) {
    case 'RS':
    case 'PS': {
      if (type !== 'rsa' && !(spec.family === 'PS' && type === 'rsa-pss'))
        return `${alg} needs an RSA key, got ${type}`;
      const bits = details?.modulusLength ?? 0;
      return bits < 2048 ? `${alg} needs an RSA modulus of at least 2048 bits, got ${bits}` : undefined;
    }
    case 'ES':
      if (type !== 'ec') return `${alg} needs an EC key, got ${type}`;
      return details?.namedCurve === spec.curve
        ? undefined
        : `${alg} needs curve ${spec.curve}, got ${details?.namedCurve}`;
    default:
      if (alg === 'Ed25519') return type === 'ed25519' ? undefined : `Ed25519 needs an Ed25519 key, got ${type}`;
      return type === 'ed25519' || type === 'ed448' ? undefined : `EdDSA needs an Ed25519/Ed448 key, got ${type}`;
  }
}

const PSS = constants.RSA_PKCS1_PSS_PADDING;
const PSS_SALT = constants.RSA_PSS_SALTLEN_DIGEST;

/**
 * Signs `data` with a key already checked by `keyMismatch`. `out`, when
 * given, receives an ES* signature (and is returned) instead of a new Buffer.
 */
export function signBytes(spec: AlgorithmSpec, key: KeyObject, data: Uint8Array, out?: Buffer): Buffer {
  switch (spec.family) {
    case 'HS':
      return createHmac(spec.hash as string, key)
        .update(data)
        .digest();
    case 'ES': {
      // JWS wants the raw r||s form (RFC 7518 §3.4); OpenSSL writes DER.
      const size = spec.size as number;
      const signature = out !== undefined && out.length >= 2 * size ? out : Buffer.allocUnsafe(2 * size);
      writeP1363(cryptoSign(spec.hash, data, key), size, signature);
      return signature;
    }
    case 'PS':
      return cryptoSign(spec.hash, data, { key, padding: PSS, saltLength: PSS_SALT });
    default:
      return cryptoSign(spec.hash, data, key);
  }
}

/**
 * signBytes on libuv's thread pool (node:crypto's callback form), so that the
 * event loop goes on meanwhile. HMAC has no callback form and takes a
 * microsecond: it is computed at once. node:crypto copies `data` for the job.
 */
export function signBytesAsync(
  spec: AlgorithmSpec,
  key: KeyObject,
  data: Uint8Array,
  done: (error: Error | null, signature: Buffer | undefined) => void,
): void {
  switch (spec.family) {
    case 'HS':
      done(null, signBytes(spec, key, data));
      return;
    case 'ES':
      cryptoSign(spec.hash, data, key, (error, der) => {
        if (error) return done(error, undefined);
        const size = spec.size as number;
        const signature = Buffer.allocUnsafe(2 * size);
        try {
          writeP1363(der, size, signature);
        } catch (conversion) {
          // Thrown in a thread-pool callback it would end the process: the caller's promise rejects instead.
          return done(conversion as Error, undefined);
        }
        done(null, signature);
      });
      return;
    case 'PS':
      cryptoSign(spec.hash, data, { key, padding: PSS, saltLength: PSS_SALT }, done);
      return;
    default:
      cryptoSign(spec.hash, data, key, done);
  }
}

/** True when `signature` is `data` signed by `key` under `spec`. Never throws on bad input. */
export function verifyBytes(spec: AlgorithmSpec, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (spec.family) {
      case 'HS': {
        const expected = createHmac(spec.hash as string, key)
          .update(data)
          .digest();
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      }
      case 'ES': {
        // A JWS signature of the wrong length is not one (node:crypto's own conversion refuses it too).
        const der = p1363ToDer(signature, spec.size as number);
        return der !== undefined && cryptoVerify(spec.hash, data, key, der);
      }
      case 'PS':
        return cryptoVerify(spec.hash, data, { key, padding: PSS, saltLength: PSS_SALT }, signature);
      default:
        return cryptoVerify(spec.hash, data, key, signature);
    }
  } catch {
    // OpenSSL rejects some malformed signatures (wrong length for the curve) by throwing.
    return false;
  }
}

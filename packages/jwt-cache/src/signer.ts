// createSigner: compact JWS signing (RFC 7515 §5.1) for an issuer's hot path.
// The key is imported once and the header is encoded once; each sign() is one
// JSON.stringify, two base64url encodings and one node:crypto call.
import type { KeyObject } from 'node:crypto';
import { ALGORITHMS, type Algorithm, type AlgorithmSpec, algorithmSpec, signBytes } from './algorithms.js';
import { InvalidOptionsError } from './errors.js';
import { importKey, type KeyInput } from './importKey.js';

/** Options of `createSigner`. */
export interface SignerOptions {
  /** The private key (PKCS#8 PEM, private JWK, CryptoKey, KeyObject), or the secret for HS*. */
  readonly key: KeyInput;
  /** The algorithm, fixed for this signer. */
  readonly alg: Algorithm;
  /** The key id written in every header, so verifiers can select the key. */
  readonly kid?: string;
  /** The header's `typ`. Default `'JWT'`; `null` leaves it out. */
  readonly typ?: string | null;
}

/** Signs claims sets with one key and one header. */
export interface Signer {
  readonly alg: Algorithm;
  readonly kid: string | undefined;
  /** Returns the compact JWS of `claims`, signed as they are (set `iat`/`exp` yourself). */
  sign(claims: Readonly<Record<string, unknown>>): string;
}

class CompactSigner implements Signer {
  readonly alg: Algorithm;
  readonly kid: string | undefined;
  readonly #spec: AlgorithmSpec;
  readonly #key: KeyObject;
  readonly #header: string;

  constructor(alg: Algorithm, kid: string | undefined, typ: string | null, key: KeyObject) {
    this.alg = alg;
    this.kid = kid;
    this.#spec = algorithmSpec(alg) as AlgorithmSpec;
    this.#key = key;
    const header: Record<string, string> = { alg };
    if (kid !== undefined) header.kid = kid;
    if (typ !== null) header.typ = typ;
    this.#header = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.`;
  }

  sign(claims: Readonly<Record<string, unknown>>): string {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new InvalidOptionsError('a JWT claims set is a plain object');
    }
    const signingInput = this.#header + Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = signBytes(this.#spec, this.#key, Buffer.from(signingInput, 'latin1'));
    return `${signingInput}.${signature.toString('base64url')}`;
  }
}

/** Creates a signer; rejects with `InvalidOptionsError` when the key does not fit `alg`. */
export async function createSigner(options: SignerOptions): Promise<Signer> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options are required');
  const { alg, kid, typ = 'JWT' } = options;
  if (!ALGORITHMS.includes(alg)) {
    throw new InvalidOptionsError(
      `algorithm ${JSON.stringify(alg)} is not supported (supported: ${ALGORITHMS.join(', ')})`,
    );
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > 256)) {
    throw new InvalidOptionsError('kid must be a string of 1 to 256 characters');
  }
  return new CompactSigner(alg, kid, typ, await importKey(options.key, alg, 'sign'));
}

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

// The signing input is built in a per-signer scratch buffer that starts with
// the encoded header: no intermediate Buffer or string per call besides the
// encoded payload. Claims sets too long for it take the plain path.
const SCRATCH_BYTES = 8192;

class CompactSigner implements Signer {
  readonly alg: Algorithm;
  readonly kid: string | undefined;
  readonly #spec: AlgorithmSpec;
  readonly #key: KeyObject;
  /** The encoded header and its dot. */
  readonly #header: string;
  /** #header's bytes, then room for the encoded payload. */
  readonly #scratch: Buffer;
  /** Receives ES* signatures (r||s), which are encoded at once. */
  readonly #signature: Buffer;

  constructor(alg: Algorithm, kid: string | undefined, typ: string | null, key: KeyObject) {
    this.alg = alg;
    this.kid = kid;
    this.#spec = algorithmSpec(alg) as AlgorithmSpec;
    this.#key = key;
    const header: Record<string, string> = { alg };
    if (kid !== undefined) header.kid = kid;
    if (typ !== null) header.typ = typ;
    this.#header = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.`;
    this.#scratch = Buffer.allocUnsafeSlow(this.#header.length + SCRATCH_BYTES);
    this.#scratch.write(this.#header, 0, 'latin1');
    this.#signature = Buffer.allocUnsafeSlow(2 * (this.#spec.size ?? 0));
  }

  sign(claims: Readonly<Record<string, unknown>>): string {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new InvalidOptionsError('a JWT claims set is a plain object');
    }
    const json: unknown = JSON.stringify(claims);
    // A toJSON (a Date, say) can turn the object into a string, number or array: not a claims set.
    if (typeof json !== 'string' || json.charCodeAt(0) !== 0x7b) {
      throw new InvalidOptionsError('the claims set did not serialize to a JSON object');
    }
    const scratch = this.#scratch;
    const start = this.#header.length;
    let payload: string;
    let data: Uint8Array;
    // UTF-8 takes at most 3 bytes per UTF-16 unit, and base64url 4/3 of that.
    if (json.length * 4 <= SCRATCH_BYTES) {
      const length = scratch.write(json, start, 'utf8');
      payload = scratch.toString('base64url', start, start + length);
      // The payload's base64url replaces its UTF-8 bytes: header || payload, the signing input.
      const end = start + scratch.write(payload, start, 'latin1');
      data = new Uint8Array(scratch.buffer, scratch.byteOffset, end);
    } else {
      payload = Buffer.from(json).toString('base64url');
      data = Buffer.from(this.#header + payload, 'latin1');
    }
    const signature = signBytes(this.#spec, this.#key, data, this.#signature).toString('base64url');
    return `${this.#header}${payload}.${signature}`;
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

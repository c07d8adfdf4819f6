// createSigner: compact JWS signing (RFC 7515 §5.1) for an issuer's hot path.
// The key is imported once and the header is encoded once; each sign() is one
// JSON.stringify, two base64url encodings and one node:crypto call (signAsync()
// the same, with the node:crypto call on the thread pool).
import type { KeyObject } from 'node:crypto';
import { type Algorithm, type AlgorithmSpec, algorithmSpec, signBytes, signBytesAsync } from './algorithms.js';
import { InvalidArgumentError } from './errors.js';
import { importKey } from './importKey.js';
import { type ResolvedSignerOptions, resolveSignerOptions, type SignerOptions } from './options.js';

// The signing input is built in a per-signer scratch buffer that starts with
// the encoded header: no intermediate Buffer or string per call besides the
// encoded payload. Claims sets too long for it take the plain path.
const SCRATCH_BYTES = 8192;

// The key is imported (asynchronously) before a signer exists, so only
// createSigner makes one, through this function, which Signer's static block
// sets; `new Signer()` anywhere else is refused.
let construct: (options: ResolvedSignerOptions, key: KeyObject) => Signer;
let constructing = false;

/**
 * Signs claims sets with one key and one header. Create one with
 * `await createSigner(options)` (its key is imported asynchronously first);
 * the class is exported for `instanceof` and for types, and `new Signer()` throws.
 */
export class Signer {
  /** The `name` option. */
  readonly name: string;
  /** The algorithm, fixed for this signer. */
  readonly alg: Algorithm;
  /** The key id written in every header. */
  readonly kid: string | undefined;
  readonly #spec: AlgorithmSpec;
  readonly #key: KeyObject;
  /** The encoded header and its dot. */
  readonly #header: string;
  /** #header's bytes, then room for the encoded payload. */
  readonly #scratch: Buffer;
  /** Receives ES* signatures (r||s), which are encoded at once. */
  readonly #signature: Buffer;

  static {
    construct = (options, key) => {
      constructing = true;
      try {
        return new Signer(options, key);
      } finally {
        constructing = false;
      }
    };
  }

  /** Not for use: `await createSigner(options)` makes a signer. */
  private constructor(options: ResolvedSignerOptions, key: KeyObject) {
    if (!constructing) {
      throw new TypeError(
        '@perf/jwt-cache: a Signer is made with `await createSigner(options)`, which imports its key first, not with `new Signer()`',
      );
    }
    const { alg, kid, typ } = options;
    this.name = options.name;
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

  /** Returns the compact JWS of `claims`, signed as they are (set `iat`/`exp` yourself). */
  sign(claims: Readonly<Record<string, unknown>>): string {
    const { payload, data } = this.#signingInput(claims);
    const signature = signBytes(this.#spec, this.#key, data, this.#signature).toString('base64url');
    return `${this.#header}${payload}.${signature}`;
  }

  /**
   * The same compact JWS as `sign()`, signed on libuv's thread pool (node:crypto's callback form): the
   * event loop serves other requests while the signature is computed, so a server with a core to spare
   * signs in parallel with its HTTP work. Costs a thread-pool round trip more than `sign()`; HS* are
   * signed at once. Rejects with `InvalidArgumentError` where `sign()` throws it.
   */
  signAsync(claims: Readonly<Record<string, unknown>>): Promise<string> {
    let input: { payload: string; data: Uint8Array };
    try {
      input = this.#signingInput(claims);
    } catch (error) {
      return Promise.reject(error);
    }
    const { payload, data } = input;
    return new Promise((resolve, reject) => {
      // node:crypto copies the input of a thread-pool job before it returns: the next call may reuse the scratch buffer.
      signBytesAsync(this.#spec, this.#key, data, (error, signature) => {
        if (error !== null || signature === undefined) reject(error);
        else resolve(`${this.#header}${payload}.${signature.toString('base64url')}`);
      });
    });
  }

  /** The encoded payload and the signing input (in the scratch buffer when it fits: valid until the next call). */
  #signingInput(claims: Readonly<Record<string, unknown>>): { payload: string; data: Uint8Array } {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new InvalidArgumentError('claims', 'a JWT claims set (a plain object)', claims);
    }
    const json: unknown = JSON.stringify(claims);
    // A toJSON (a Date, say) can turn the object into a string, number or array: not a claims set.
    if (typeof json !== 'string' || json.charCodeAt(0) !== 0x7b) {
      throw new InvalidArgumentError('claims', 'an object that serializes to a JSON object (a JWT claims set)', claims);
    }
    const scratch = this.#scratch;
    const start = this.#header.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit, and base64url 4/3 of that.
    if (json.length * 4 <= SCRATCH_BYTES) {
      const length = scratch.write(json, start, 'utf8');
      const payload = scratch.toString('base64url', start, start + length);
      // The payload's base64url replaces its UTF-8 bytes: header || payload, the signing input.
      const end = start + scratch.write(payload, start, 'latin1');
      return { payload, data: new Uint8Array(scratch.buffer, scratch.byteOffset, end) };
    }
    const payload = Buffer.from(json).toString('base64url');
    return { payload, data: Buffer.from(this.#header + payload, 'latin1') };
  }
}

/**
 * Creates a signer: checks every option, then imports the key once (through
 * jose for JWK and PEM). An invalid option, or a key that does not fit `alg`,
 * rejects with `InvalidOptionError`.
 */
export async function createSigner(options: SignerOptions): Promise<Signer> {
  const resolved = resolveSignerOptions(options);
  return construct(resolved, await importKey(resolved.key, resolved.alg, 'sign', 'key'));
}

// The keys a verifier trusts, each pinned to exactly one algorithm (RFC 7515
// §10.7 and RFC 8725 §3.1: never let the token choose how its key is used).
import type { KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import { type Algorithm, type AlgorithmSpec, algorithmSpec } from './algorithms.js';
import { InvalidOptionError } from './errors.js';
import { importKey, publicJwk } from './importKey.js';
import type { StaticKey } from './options.js';

/**
 * A trusted key, imported and pinned. `removed` is set once, when the key
 * stops vouching (for a KeyRemovalReason); it invalidates the results cached
 * with it at once, and a removed record is never installed or used again.
 */
export interface KeyRecord {
  readonly kid: string | undefined;
  readonly alg: Algorithm;
  readonly spec: AlgorithmSpec;
  readonly key: KeyObject;
  /** Identity of the key material, to keep a record (and its cached results) across JWKS refetches. */
  readonly fingerprint: string;
  removed: boolean;
}

/** An immutable snapshot of trusted keys with O(1) selection by kid. */
export class KeySet {
  readonly #byKid = new Map<string, KeyRecord>();
  readonly #byAlg = new Map<string, KeyRecord[]>();
  readonly #anonymousByAlg = new Map<string, KeyRecord[]>();
  readonly records: readonly KeyRecord[];

  constructor(records: readonly KeyRecord[]) {
    this.records = records;
    for (const r of records) {
      if (r.kid !== undefined) this.#byKid.set(r.kid, r);
      push(this.#byAlg, r.alg, r);
      if (r.kid === undefined) push(this.#anonymousByAlg, r.alg, r);
    }
  }

  /**
   * The key for a token's `kid` and `alg`: the key with that kid; else, the one
   * key without a kid configured for `alg`; for a token without a kid, the one
   * key of any kid for `alg`. Ambiguity selects nothing.
   */
  lookup(kid: string | undefined, alg: string): KeyRecord | undefined {
    if (kid !== undefined) {
      const r = this.#byKid.get(kid);
      if (r !== undefined) return r;
      return single(this.#anonymousByAlg.get(alg));
    }
    return single(this.#byAlg.get(alg));
  }

  /** The record with this fingerprint, to carry it over a refetch. */
  find(fingerprint: string): KeyRecord | undefined {
    return this.records.find((r) => r.fingerprint === fingerprint);
  }
}

function push(map: Map<string, KeyRecord[]>, key: string, r: KeyRecord): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [r]);
  else list.push(r);
}

function single(list: KeyRecord[] | undefined): KeyRecord | undefined {
  return list !== undefined && list.length === 1 ? list[0] : undefined;
}

function record(kid: string | undefined, alg: Algorithm, key: KeyObject, fingerprint: string): KeyRecord {
  return { kid, alg, spec: algorithmSpec(alg) as AlgorithmSpec, key, fingerprint, removed: false };
}

/** Imports the static keys of `createVerifier({ keys })` (already checked by the options' resolver but for the keys themselves). */
export async function importStaticKeys(keys: readonly StaticKey[]): Promise<KeyRecord[]> {
  const out: KeyRecord[] = [];
  for (const [i, k] of keys.entries()) {
    out.push(record(k.kid, k.alg, await importKey(k.key, k.alg, 'verify', `keys[${i}].key`), `static:${i}`));
  }
  return out;
}

const CURVE_ALGS: Readonly<Record<string, readonly Algorithm[]>> = {
  'P-256': ['ES256'],
  'P-384': ['ES384'],
  'P-521': ['ES512'],
  Ed25519: ['EdDSA', 'Ed25519'],
  Ed448: ['EdDSA'],
};
const FAMILY_ALGS: Readonly<Record<string, readonly Algorithm[]>> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  oct: ['HS256', 'HS384', 'HS512'],
};

// The algorithm a JWK is pinned to: its own "alg", else the only allowed
// algorithm its type or curve can serve. Undefined when that is ambiguous.
function jwkAlgorithm(jwk: JWK, algorithms: readonly Algorithm[]): Algorithm | undefined {
  if (jwk.alg !== undefined) return algorithms.find((a) => a === jwk.alg);
  // Own members only: a crv or kty such as "constructor" names nothing here.
  const possible = (jwk.crv !== undefined ? own(CURVE_ALGS, jwk.crv) : own(FAMILY_ALGS, jwk.kty)) ?? [];
  const allowed = algorithms.filter((a) => possible.includes(a));
  return allowed.length === 1 ? allowed[0] : undefined;
}

function own<T>(map: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** A JWK that was not imported, and why. */
export interface IgnoredKey {
  readonly kid: string | undefined;
  readonly why: string;
}

/**
 * Imports the signature keys of a JWKS (RFC 7517 §5). Keys for encryption, for
 * algorithms not allowed, or without a usable pinned algorithm are skipped and
 * reported; `blocked` kids (purged) are never imported again. Records whose
 * key material is unchanged are carried over from `previous`.
 */
export async function importJwks(
  jwks: JSONWebKeySet,
  algorithms: readonly Algorithm[],
  options: { allowSecret: boolean; blocked: ReadonlySet<string>; previous?: KeySet },
): Promise<{ records: KeyRecord[]; ignored: IgnoredKey[] }> {
  const records: KeyRecord[] = [];
  const ignored: IgnoredKey[] = [];
  const kids = new Set<string>();
  for (const [i, jwk] of jwks.keys.entries()) {
    const kid = typeof jwk?.kid === 'string' ? jwk.kid : undefined;
    const skip = (why: string) => ignored.push({ kid, why });
    if (typeof jwk !== 'object' || jwk === null) {
      skip('not an object');
      continue;
    }
    if (kid !== undefined && options.blocked.has(kid)) {
      skip('purged');
      continue;
    }
    if (jwk.use !== undefined && jwk.use !== 'sig') {
      skip(`"use" is ${jwk.use}`);
      continue;
    }
    // (a key_ops that is not an array, null say, is skipped rather than failing the whole JWKS)
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
      skip('"key_ops" lacks "verify"');
      continue;
    }
    if (jwk.kty === 'oct' && !options.allowSecret) {
      skip('secret keys are not taken from a remote JWKS');
      continue;
    }
    if (kid !== undefined && kids.has(kid)) {
      skip('duplicate kid');
      continue;
    }
    const alg = jwkAlgorithm(jwk, algorithms);
    if (alg === undefined) {
      skip('no allowed algorithm fits the key (give it an "alg")');
      continue;
    }
    const fingerprint = `${alg}:${JSON.stringify(publicJwk(jwk))}`;
    const kept = options.previous?.find(fingerprint);
    if (kept !== undefined && kept.kid === kid && !kept.removed) {
      records.push(kept);
    } else {
      try {
        records.push(record(kid, alg, await importKey(jwk, alg, 'verify', `jwks.keys[${i}]`), fingerprint));
      } catch (error) {
        skip(error instanceof InvalidOptionError ? `not ${error.expected}` : (error as Error).message);
        continue;
      }
    }
    if (kid !== undefined) kids.add(kid);
  }
  return { records, ignored };
}

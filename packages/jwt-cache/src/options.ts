// Every option of this package, its documentation, and the resolvers that turn
// a bad option into an InvalidOptionError at construction, never odd behaviour
// later: createVerifier and createSigner resolve their options once and keep
// the result. Durations say their unit in their name (`ttlSeconds`,
// `timeoutMs`), except `clockTolerance` and `maxTokenAge`, which are jose's
// options of the same name, in jose's unit (seconds).
import type { JSONWebKeySet } from 'jose';
import { ALGORITHMS, type Algorithm } from './algorithms.js';
import type { ClaimRules } from './claims.js';
import { InvalidOptionError, Redacted } from './errors.js';
import { type KeyInput, redactedKeyInput } from './importKey.js';
import type { RevocationSource } from './revocation.js';

/** One trusted key, as given to `createVerifier({ keys })`. */
export interface StaticKey {
  /** The key (for HMAC algorithms, the secret's bytes or an oct JWK). */
  readonly key: KeyInput;
  /** The one algorithm this key verifies; a token naming any other is refused. */
  readonly alg: Algorithm;
  /** The key id tokens name in their header. Without it the key serves tokens of its `alg` that name no other known key. */
  readonly kid?: string;
}

/** Bounds of a token cache (`cache`, `negativeCache`). */
export interface CacheOptions {
  /** Most entries; the oldest leaves first. Default 10000 (1000 for the negative cache). */
  readonly maxEntries?: number;
  /** Seconds an entry may live at most (it never outlives the token's `exp`). Default 300 (10 for the negative cache, at most 60). */
  readonly ttlSeconds?: number;
}

/** Options of a remote JWKS: `createVerifier({ jwks: { url, ... } })`. */
export interface RemoteJwksOptions {
  /** Where the JWKS is published (http: or https:). */
  readonly url: string | URL;
  /** Seconds keys stay fresh when the response has no Cache-Control max-age. Default 600. */
  readonly defaultMaxAgeSeconds?: number;
  /** Lower bound on a Cache-Control max-age, in seconds (also used for `no-cache`/`no-store`). Default 30. */
  readonly minMaxAgeSeconds?: number;
  /** Upper bound on a Cache-Control max-age, in seconds. Default 86400. */
  readonly maxMaxAgeSeconds?: number;
  /** Least seconds between two fetches triggered by unknown kids, and before retrying a failed fetch. Default 30. */
  readonly cooldownSeconds?: number;
  /** Most fetches, for any reason, in any 60 s window. Default 6. */
  readonly maxFetchesPerMinute?: number;
  /** Milliseconds before a fetch is abandoned. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. for an API gateway). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Seconds the keys in hand keep verifying after they went stale while the
   * endpoint is down (5xx, 429, network error, timeout), as HTTP's
   * `stale-if-error`; then verification fails with `KeyFetchError` until a
   * fetch succeeds. Default 14400 (4 hours).
   */
  readonly staleIfErrorSeconds?: number;
}

/** Options of `createVerifier`. */
export interface VerifierOptions {
  /** Names the verifier in `stats()`, diagnostics_channel messages and errors. Default `'verifier'`. */
  readonly name?: string;
  /** Trusted keys, each pinned to one algorithm. Give exactly one of `keys` and `jwks`. */
  readonly keys?: readonly StaticKey[];
  /** A JWKS object (local), or `{ url, ... }` for a remote JWKS fetched over HTTP. */
  readonly jwks?: JSONWebKeySet | RemoteJwksOptions;
  /** The algorithms accepted (required, non-empty; `none` is never accepted). */
  readonly algorithms: readonly Algorithm[];
  /** Accepted `iss` value(s); when set, `iss` is required. */
  readonly issuer?: string | readonly string[];
  /** Accepted `aud` value(s); when set, `aud` is required and must name one of them. */
  readonly audience?: string | readonly string[];
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat` (jose's option of the same name and unit). Default 0. */
  readonly clockTolerance?: number;
  /** Seconds a token may live after its `iat`, which it then must have (jose's option of the same name and unit). Default: unlimited. */
  readonly maxTokenAge?: number;
  /** Claims that must be present. Default `['exp']`; pass `[]` to accept tokens without `exp`. */
  readonly requiredClaims?: readonly string[];
  /** Longest token accepted, in characters, checked before any parsing. Default 8192. */
  readonly maxTokenLength?: number;
  /** The result cache, on by default; `false` turns it off. */
  readonly cache?: false | CacheOptions;
  /** A short cache of refused tokens, off by default. Key-fetch failures, unknown kids, `nbf` and revocations are never cached. */
  readonly negativeCache?: false | CacheOptions;
  /** A feed of revocations (e.g. over Redis pub/sub), subscribed to on creation and unsubscribed on `close()`. */
  readonly revocation?: RevocationSource;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** Options of `createSigner`. */
export interface SignerOptions {
  /** Names the signer (its `name` property). Default `'signer'`. */
  readonly name?: string;
  /** The private key (PKCS#8 PEM, private JWK, CryptoKey, KeyObject), or the secret for HS*. */
  readonly key: KeyInput;
  /** The algorithm, fixed for this signer. */
  readonly alg: Algorithm;
  /** The key id written in every header, so verifiers can select the key. */
  readonly kid?: string;
  /** The header's `typ`. Default `'JWT'`; `null` leaves it out. */
  readonly typ?: string | null;
}

/** The part of a client in subscriber mode `pubSubRevocationSource` uses (an ioredis instance fits). */
export interface PubSubSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** Options of `pubSubRevocationSource`. */
export interface PubSubRevocationOptions {
  /** A connection dedicated to subscribing (Redis puts it in subscriber mode). */
  readonly subscriber: PubSubSubscriber;
  /** The channel the issuer publishes `encodeRevocation(...)` messages on. */
  readonly channel: string;
  /** Called with every message that is not a valid revocation (they are otherwise ignored). */
  readonly onInvalidMessage?: (message: string) => void;
}

/** A token cache's options, checked, in milliseconds. */
export interface ResolvedCache {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

/** {@link RemoteJwksOptions} checked, with defaults, durations in milliseconds. */
export interface ResolvedRemoteJwks {
  readonly url: URL;
  readonly defaultMaxAgeMs: number;
  readonly minMaxAgeMs: number;
  readonly maxMaxAgeMs: number;
  readonly cooldownMs: number;
  readonly maxFetchesPerMinute: number;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly staleIfErrorMs: number;
}

/** Where the keys come from: checked, not imported yet (importing is async). */
export type KeySource =
  | { readonly kind: 'static'; readonly keys: readonly StaticKey[] }
  | { readonly kind: 'jwks'; readonly jwks: JSONWebKeySet }
  | { readonly kind: 'remote'; readonly remote: ResolvedRemoteJwks };

/** {@link VerifierOptions} checked, with every default filled in. */
export interface ResolvedVerifierOptions {
  readonly name: string;
  readonly algorithms: readonly Algorithm[];
  readonly source: KeySource;
  readonly rules: ClaimRules;
  readonly maxTokenLength: number;
  /** Undefined when the cache is off. */
  readonly cache: ResolvedCache | undefined;
  readonly negativeCache: ResolvedCache | undefined;
  readonly revocation: RevocationSource | undefined;
  readonly now: () => number;
}

/** {@link SignerOptions} checked, with defaults; the key is checked when it is imported. */
export interface ResolvedSignerOptions {
  readonly name: string;
  readonly key: KeyInput;
  readonly alg: Algorithm;
  readonly kid: string | undefined;
  readonly typ: string | null;
}

/** The longest `kid` a signer writes (verifiers refuse longer ones). */
const MAX_KID_LENGTH = 256;

/** Checks `options` once, in `createVerifier`, and fills in the defaults. */
export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object of VerifierOptions', unlessString(options));
  }
  const algorithms = resolveAlgorithms(options.algorithms);
  const clockTolerance = seconds('clockTolerance', options.clockTolerance ?? 0);
  return {
    name: nameOption(options.name, 'verifier'),
    algorithms,
    source: resolveKeySource(options, algorithms),
    rules: {
      issuers: stringList('issuer', options.issuer),
      audiences: stringList('audience', options.audience),
      clockTolerance,
      maxTokenAge: options.maxTokenAge === undefined ? undefined : seconds('maxTokenAge', options.maxTokenAge),
      requiredClaims: requiredClaims(options.requiredClaims),
    },
    maxTokenLength: integerAtLeast('maxTokenLength', options.maxTokenLength ?? 8192, 1),
    cache: resolveCache('cache', options.cache ?? {}, 10_000, 300, Number.POSITIVE_INFINITY),
    negativeCache: resolveCache('negativeCache', options.negativeCache ?? false, 1000, 10, 60),
    revocation: revocationSource(options.revocation),
    now: aFunction('now', options.now ?? Date.now),
  };
}

/** Checks `options` once, in `createSigner`, and fills in the defaults. */
export function resolveSignerOptions(options: SignerOptions): ResolvedSignerOptions {
  if (typeof options !== 'object' || options === null) {
    // (the one argument may be the key itself, given without its options object)
    throw new InvalidOptionError('options', 'an object of SignerOptions ({ key, alg, ... })', unlessString(options));
  }
  const { kid, typ = 'JWT' } = options;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
    throw new InvalidOptionError('kid', `a string of 1 to ${MAX_KID_LENGTH} characters`, kid);
  }
  if (typ !== null && typeof typ !== 'string')
    throw new InvalidOptionError('typ', 'a string, or null to leave it out', typ);
  if (options.key === undefined || options.key === null) {
    throw new InvalidOptionError('key', 'the private key (or, for HS*, the secret) to sign with', options.key);
  }
  return {
    name: nameOption(options.name, 'signer'),
    key: options.key,
    alg: algorithm('alg', options.alg),
    kid,
    typ,
  };
}

/** Checks `jwks: { url, ... }` once, at construction, and fills in the defaults. */
export function resolveRemoteJwksOptions(options: RemoteJwksOptions): ResolvedRemoteJwks {
  renamed(options, 'jwks', {
    defaultMaxAge: 'defaultMaxAgeSeconds',
    minMaxAge: 'minMaxAgeSeconds',
    maxMaxAge: 'maxMaxAgeSeconds',
    cooldown: 'cooldownSeconds',
  });
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new InvalidOptionError('jwks.url', 'an http: or https: URL', options.url);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // (shown without any user:password it carries)
    url.username = '';
    url.password = '';
    throw new InvalidOptionError('jwks.url', 'an http: or https: URL', url.href);
  }
  const minMaxAgeMs = finiteSeconds('jwks.minMaxAgeSeconds', options.minMaxAgeSeconds ?? 30) * 1000;
  const maxMaxAgeSeconds = finiteSeconds('jwks.maxMaxAgeSeconds', options.maxMaxAgeSeconds ?? 86_400);
  if (maxMaxAgeSeconds * 1000 < minMaxAgeMs) {
    throw new InvalidOptionError(
      'jwks.maxMaxAgeSeconds',
      `at least jwks.minMaxAgeSeconds (${minMaxAgeMs / 1000})`,
      maxMaxAgeSeconds,
    );
  }
  // AbortSignal.timeout takes a whole number of milliseconds below 2^32.
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 0xffff_ffff) {
    throw new InvalidOptionError('jwks.timeoutMs', 'a whole number of milliseconds ≥ 1', timeoutMs);
  }
  return {
    url,
    defaultMaxAgeMs: finiteSeconds('jwks.defaultMaxAgeSeconds', options.defaultMaxAgeSeconds ?? 600) * 1000,
    minMaxAgeMs,
    maxMaxAgeMs: maxMaxAgeSeconds * 1000,
    cooldownMs: finiteSeconds('jwks.cooldownSeconds', options.cooldownSeconds ?? 30) * 1000,
    maxFetchesPerMinute: integerAtLeast('jwks.maxFetchesPerMinute', options.maxFetchesPerMinute ?? 6, 1),
    timeoutMs,
    headers: headers(options.headers),
    staleIfErrorMs: finiteSeconds('jwks.staleIfErrorSeconds', options.staleIfErrorSeconds ?? 14_400) * 1000,
  };
}

/** Checks the options of `pubSubRevocationSource` once, when it is made. */
export function resolvePubSubRevocationOptions(options: PubSubRevocationOptions): PubSubRevocationOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object of PubSubRevocationOptions', options);
  }
  const { subscriber, channel, onInvalidMessage } = options;
  const methods = ['subscribe', 'unsubscribe', 'on', 'off'] as const;
  if (
    typeof subscriber !== 'object' ||
    subscriber === null ||
    methods.some((m) => typeof subscriber[m] !== 'function')
  ) {
    // (what was passed may be a client's options, password included: shown by its kind only)
    throw new InvalidOptionError(
      'subscriber',
      'a pub/sub client with subscribe, unsubscribe, on and off (an ioredis instance)',
      typeof subscriber === 'object' && subscriber !== null
        ? new Redacted('an object without subscribe, unsubscribe, on and off')
        : subscriber,
    );
  }
  if (typeof channel !== 'string' || channel === '')
    throw new InvalidOptionError('channel', 'a non-empty string', channel);
  if (onInvalidMessage !== undefined) aFunction('onInvalidMessage', onInvalidMessage);
  return options;
}

/** A string given where options were expected may be a PEM key: shown by its kind only. */
function unlessString(value: unknown): unknown {
  return typeof value === 'string' ? redactedKeyInput(value) : value;
}

function resolveAlgorithms(algorithms: unknown): readonly Algorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new InvalidOptionError(
      'algorithms',
      'a non-empty array of the algorithms your issuer signs with, e.g. ["ES256"]',
      algorithms,
    );
  }
  return algorithms.map((alg: unknown, i) => algorithm(`algorithms[${i}]`, alg));
}

function algorithm(option: string, alg: unknown): Algorithm {
  if (!ALGORITHMS.includes(alg as Algorithm)) {
    throw new InvalidOptionError(option, `one of ${ALGORITHMS.join(', ')} ("none" never is)`, alg);
  }
  return alg as Algorithm;
}

function resolveKeySource(options: VerifierOptions, algorithms: readonly Algorithm[]): KeySource {
  const { keys, jwks } = options;
  if (keys !== undefined && jwks !== undefined) {
    throw new InvalidOptionError(
      'jwks',
      'left out when keys is given (give exactly one of keys and jwks)',
      new Redacted('a key set'),
    );
  }
  if (keys !== undefined) return { kind: 'static', keys: staticKeys(keys, algorithms) };
  if (jwks === undefined) {
    throw new InvalidOptionError(
      'keys',
      'an array of { key, alg, kid? }, unless jwks is given (give exactly one of keys and jwks)',
      undefined,
    );
  }
  if (typeof jwks !== 'object' || jwks === null) {
    throw new InvalidOptionError('jwks', 'a JWKS object (with a "keys" array) or { url, ... }', redactedKeyInput(jwks));
  }
  if ('url' in jwks) return { kind: 'remote', remote: resolveRemoteJwksOptions(jwks) };
  if (!Array.isArray(jwks.keys)) {
    throw new InvalidOptionError(
      'jwks',
      'a JWKS (an object with a "keys" array) or { url, ... }',
      new Redacted('an object without a "keys" array'),
    );
  }
  return { kind: 'jwks', jwks };
}

/** The static keys, checked but for the keys themselves (their import is async, and checks them). */
function staticKeys(keys: unknown, algorithms: readonly Algorithm[]): readonly StaticKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new InvalidOptionError(
      'keys',
      'a non-empty array of { key, alg, kid? }',
      Array.isArray(keys) ? keys : redactedKeyInput(keys),
    );
  }
  const kids = new Set<string>();
  for (const [i, k] of (keys as unknown[]).entries()) {
    if (typeof k !== 'object' || k === null) {
      throw new InvalidOptionError(`keys[${i}]`, 'an object { key, alg, kid? }', redactedKeyInput(k));
    }
    const { key, alg, kid } = k as Partial<StaticKey>;
    if (!algorithms.includes(alg as Algorithm)) {
      throw new InvalidOptionError(`keys[${i}].alg`, `one of algorithms (${algorithms.join(', ')})`, alg);
    }
    if (kid !== undefined) {
      if (typeof kid !== 'string') throw new InvalidOptionError(`keys[${i}].kid`, 'a string', kid);
      if (kids.has(kid)) throw new InvalidOptionError(`keys[${i}].kid`, 'a kid no other key has', kid);
      kids.add(kid);
    }
    if (key === undefined || key === null) {
      throw new InvalidOptionError(`keys[${i}].key`, `the key that verifies ${alg}`, key);
    }
  }
  return keys as readonly StaticKey[];
}

function resolveCache(
  option: string,
  cache: unknown,
  defaultEntries: number,
  defaultTtlSeconds: number,
  maxTtlSeconds: number,
): ResolvedCache | undefined {
  if (cache === false) return undefined;
  if (typeof cache !== 'object' || cache === null) {
    throw new InvalidOptionError(option, 'false, or an object { maxEntries?, ttlSeconds? }', cache);
  }
  renamed(cache, option, { ttl: 'ttlSeconds' });
  const { maxEntries, ttlSeconds } = cache as CacheOptions;
  return {
    maxEntries: integerAtLeast(`${option}.maxEntries`, maxEntries ?? defaultEntries, 1),
    ttlMs: seconds(`${option}.ttlSeconds`, ttlSeconds ?? defaultTtlSeconds, maxTtlSeconds) * 1000,
  };
}

/**
 * Options renamed in 0.1.0 are refused by their old name rather than ignored:
 * a bound silently left at its default (a JWKS trusted for a day instead of
 * five minutes, say) is worse than an error at start-up.
 */
function renamed(options: object, prefix: string, renames: Readonly<Record<string, string>>): void {
  for (const [old, now] of Object.entries(renames)) {
    if (Object.hasOwn(options, old)) {
      throw new InvalidOptionError(
        `${prefix}.${old}`,
        `given as ${prefix}.${now} (renamed in 0.1.0; the same value under the new name)`,
        (options as Record<string, unknown>)[old],
      );
    }
  }
}

function nameOption(name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionError('name', 'a non-empty string', name);
  return name;
}

function stringList(option: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? [...value] : undefined;
  if (list === undefined || list.length === 0 || list.some((x) => typeof x !== 'string')) {
    throw new InvalidOptionError(option, 'a string or a non-empty array of strings', value);
  }
  return list;
}

function requiredClaims(value: unknown): readonly string[] {
  if (value === undefined) return ['exp'];
  if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) {
    throw new InvalidOptionError('requiredClaims', 'an array of claim names (strings); [] for none', value);
  }
  return [...value];
}

function revocationSource(source: unknown): RevocationSource | undefined {
  if (source === undefined) return undefined;
  if (typeof (source as Partial<RevocationSource> | null)?.subscribe !== 'function') {
    throw new InvalidOptionError('revocation', 'a RevocationSource ({ subscribe(sink) })', source);
  }
  return source as RevocationSource;
}

function headers(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== 'string')
  ) {
    throw new InvalidOptionError(
      'jwks.headers',
      'an object of header names to string values',
      new Redacted(
        Array.isArray(value)
          ? 'an array'
          : typeof value === 'object' && value !== null
            ? 'an object with a value that is not a string'
            : typeof value,
      ),
    );
  }
  return { ...(value as Record<string, string>) };
}

// The checks every option goes through, so each fails with the same kind of error.

/** A number of seconds from 0 to `max` (Infinity allowed unless `max` says otherwise). */
function seconds(option: string, value: unknown, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || value > max) {
    throw new InvalidOptionError(
      option,
      max === Number.POSITIVE_INFINITY ? 'a number of seconds ≥ 0' : `a number of seconds from 0 to ${max}`,
      value,
    );
  }
  return value;
}

/** A finite number of seconds ≥ 0. */
function finiteSeconds(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(option, 'a finite number of seconds ≥ 0', value);
  }
  return value;
}

function integerAtLeast(option: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new InvalidOptionError(option, `an integer ≥ ${min}`, value);
  }
  return value as number;
}

function aFunction<F>(option: string, value: F): F {
  if (typeof value !== 'function') throw new InvalidOptionError(option, 'a function', value);
  return value;
}

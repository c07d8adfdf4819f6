// A JWKS fetched over HTTP(S) (RFC 7517 §5, as published at an OpenID
// `jwks_uri`): fresh for the response's Cache-Control max-age, refreshed in the
// background when stale, refetched once (single-flight) for an unknown kid
// after a cooldown, never more often than a rate limit, and kept as it is
// while the endpoint is down.
import type { JSONWebKeySet } from 'jose';
import type { Algorithm } from './algorithms.js';
import { jwksFetchChannel, keyIgnoredChannel } from './channels.js';
import { InvalidOptionsError } from './errors.js';
import { importJwks, KeySet } from './keySet.js';

/** Options of a remote JWKS: `createVerifier({ jwks: { url, ... } })`. Durations in seconds. */
export interface RemoteJwksOptions {
  /** Where the JWKS is published (http: or https:). */
  readonly url: string | URL;
  /** How long keys stay fresh when the response has no Cache-Control max-age. Default 600. */
  readonly defaultMaxAge?: number;
  /** Lower bound on a Cache-Control max-age (also used for `no-cache`/`no-store`). Default 30. */
  readonly minMaxAge?: number;
  /** Upper bound on a Cache-Control max-age. Default 86400. */
  readonly maxMaxAge?: number;
  /** Least time between two fetches triggered by unknown kids, and before retrying a failed fetch. Default 30. */
  readonly cooldown?: number;
  /** Most fetches, for any reason, in any 60 s window. Default 6. */
  readonly maxFetchesPerMinute?: number;
  /** Milliseconds before a fetch is abandoned. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. for an API gateway). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Largest JWKS body read: a key set is a few KB; anything far larger is an error or an attack. */
const MAX_BODY = 1 << 20;

/** Why a fetch is wanted; unknown kids are subject to the cooldown. */
export type RefreshReason = 'initial' | 'stale' | 'unknown_kid';

/** max-age in seconds from a Cache-Control header; 0 for no-cache/no-store; undefined when absent. */
export function cacheControlMaxAge(header: string | null): number | undefined {
  if (header === null) return undefined;
  const h = header.toLowerCase();
  if (/(?:^|[,\s])(?:no-store|no-cache)(?:$|[,\s=])/.test(h)) return 0;
  const m = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/.exec(h);
  return m ? Number(m[1]) : undefined;
}

/**
 * The response body as text, read no further than MAX_BODY bytes: a body
 * declared or found larger is abandoned (the connection closed) rather than
 * buffered whole, so an endless or huge response cannot exhaust memory.
 */
async function readBody(res: Response): Promise<string> {
  const tooLarge = () => new Error(`the JWKS is larger than ${MAX_BODY} bytes`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (res.body === null) return '';
  if (declared > MAX_BODY) {
    await res.body.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidOptionsError(`jwks.${name} must be a number of seconds ≥ 0`);
  }
  return v;
}

interface RemoteHooks {
  readonly now: () => number;
  readonly algorithms: readonly Algorithm[];
  readonly blocked: ReadonlySet<string>;
  /** Called with the new key set after a fetch that changed it. */
  readonly onKeys: (keys: KeySet, previous: KeySet | undefined) => void;
  readonly onFetch: (ok: boolean) => void;
}

export class RemoteJwks {
  readonly url: URL;
  readonly #defaultMaxAge: number;
  readonly #minMaxAge: number;
  readonly #maxMaxAge: number;
  readonly #cooldown: number;
  readonly #maxPerMinute: number;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #hooks: RemoteHooks;
  readonly #abort = new AbortController();
  #keys: KeySet | undefined;
  #freshUntil = 0;
  #lastFetchAt = Number.NEGATIVE_INFINITY;
  #fetchTimes: number[] = [];
  #inflight: Promise<boolean> | undefined;
  /** Why the last fetch failed, if it did. */
  lastError: Error | undefined;

  constructor(options: RemoteJwksOptions, hooks: RemoteHooks) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new InvalidOptionsError(`jwks.url ${String(options.url)} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InvalidOptionsError(`jwks.url must be http: or https:, got ${url.protocol}`);
    }
    this.url = url;
    this.#defaultMaxAge = seconds(options.defaultMaxAge, 600, 'defaultMaxAge');
    this.#minMaxAge = seconds(options.minMaxAge, 30, 'minMaxAge');
    this.#maxMaxAge = seconds(options.maxMaxAge, 86_400, 'maxMaxAge');
    this.#cooldown = seconds(options.cooldown, 30, 'cooldown');
    const perMinute = options.maxFetchesPerMinute ?? 6;
    if (!Number.isInteger(perMinute) || perMinute < 1) {
      throw new InvalidOptionsError('jwks.maxFetchesPerMinute must be an integer ≥ 1');
    }
    this.#maxPerMinute = perMinute;
    this.#timeoutMs = seconds(options.timeoutMs, 5000, 'timeoutMs');
    this.#headers = { accept: 'application/json, application/jwk-set+json', ...options.headers };
    this.#hooks = hooks;
  }

  /** The keys in hand (possibly stale), or undefined before the first successful fetch. */
  get keys(): KeySet | undefined {
    return this.#keys;
  }

  /** True when the keys in hand are past their max-age (or there are none). */
  isStale(now: number): boolean {
    return now >= this.#freshUntil;
  }

  /** Replaces the keys in hand (used by purgeKid). */
  setKeys(keys: KeySet): void {
    this.#keys = keys;
  }

  /**
   * Fetches the JWKS unless the cooldown (for unknown kids) or the rate limit
   * forbids it; concurrent callers share one fetch. Resolves true when a fetch
   * succeeded; never rejects (the error is kept in `lastError`).
   */
  refresh(reason: RefreshReason): Promise<boolean> {
    if (this.#inflight !== undefined) return this.#inflight;
    const now = this.#hooks.now();
    // Unknown kids, and any retry after a failed fetch (also the first one), wait for the cooldown.
    const cooling = reason === 'unknown_kid' || this.lastError !== undefined;
    if (cooling && now - this.#lastFetchAt < this.#cooldown * 1000) return Promise.resolve(false);
    if (reason === 'stale' && !this.isStale(now)) return Promise.resolve(false);
    this.#fetchTimes = this.#fetchTimes.filter((t) => now - t < 60_000);
    if (this.#fetchTimes.length >= this.#maxPerMinute) return Promise.resolve(false);
    this.#fetchTimes.push(now);
    this.#lastFetchAt = now;
    this.#inflight = this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<boolean> {
    let status: number | undefined;
    try {
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#timeoutMs)]);
      const res = await fetch(this.url, { headers: this.#headers, signal, redirect: 'error' });
      status = res.status;
      if (!res.ok) throw new Error(`the JWKS endpoint answered HTTP ${res.status}`);
      const body = await readBody(res);
      let jwks: JSONWebKeySet;
      try {
        jwks = JSON.parse(body) as JSONWebKeySet;
      } catch {
        throw new Error('the JWKS is not JSON');
      }
      const previous = this.#keys;
      const { records, ignored } = await importJwks(jwks, this.#hooks.algorithms, {
        allowSecret: false,
        blocked: this.#hooks.blocked,
        ...(previous !== undefined ? { previous } : {}),
      });
      if (records.length === 0) throw new Error('the JWKS has no usable signature key');
      const maxAge = cacheControlMaxAge(res.headers.get('cache-control')) ?? this.#defaultMaxAge;
      const clamped = Math.min(this.#maxMaxAge, Math.max(this.#minMaxAge, maxAge));
      this.#freshUntil = this.#hooks.now() + clamped * 1000;
      const keys = new KeySet(records);
      this.#keys = keys;
      this.lastError = undefined;
      this.#hooks.onKeys(keys, previous);
      this.#hooks.onFetch(true);
      if (keyIgnoredChannel.hasSubscribers) for (const k of ignored) keyIgnoredChannel.publish(k);
      if (jwksFetchChannel.hasSubscribers) {
        jwksFetchChannel.publish({ url: this.url.href, ok: true, status, keys: records.length });
      }
      return true;
    } catch (error) {
      // Keep whatever keys we have: a JWKS endpoint that is down must not take
      // every verification down with it. Retry no sooner than the cooldown.
      this.lastError = error as Error;
      this.#freshUntil = this.#hooks.now() + this.#cooldown * 1000;
      this.#hooks.onFetch(false);
      if (jwksFetchChannel.hasSubscribers) {
        jwksFetchChannel.publish({ url: this.url.href, ok: false, status, error: (error as Error).message });
      }
      return false;
    }
  }

  /** Abandons an in-flight fetch. */
  close(): void {
    this.#abort.abort();
  }
}

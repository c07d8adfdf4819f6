// A JWKS fetched over HTTP(S) (RFC 7517 §5, as published at an OpenID
// `jwks_uri`): fresh for the response's Cache-Control max-age, refreshed in the
// background when stale, refetched once (single-flight) for an unknown kid
// after a cooldown, never more often than a rate limit. Every answer of the
// endpoint is authoritative and replaces the keys, also when it leaves none
// (fail closed); only an endpoint that is down (5xx, 429, network error,
// timeout) leaves the keys in hand, and then for `staleIfErrorSeconds` at most.
import type { JSONWebKeySet } from 'jose';
import type { Algorithm } from './algorithms.js';
import { jwksFetchChannel, keyIgnoredChannel } from './channels.js';
import { InvalidOptionsError } from './errors.js';
import { importJwks, type KeyRecord, type KeyRemovalReason, type KeySet } from './keySet.js';

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
  /**
   * Seconds the keys in hand keep verifying after they went stale while the
   * endpoint is down (5xx, 429, network error, timeout), as HTTP's
   * `stale-if-error`; then verification fails with `KeyFetchError` until a
   * fetch succeeds. Default 14400 (4 hours).
   */
  readonly staleIfErrorSeconds?: number;
}

/**
 * Answers that say the endpoint no longer publishes the keys to us (RFC 9110
 * §15.5): the server is up and answered, so they are not an outage.
 */
const WITHDRAWING_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 410]);

/** A failed fetch; `withdraws` when the answer is authoritative (the endpoint is up) but vouches for no key. */
class FetchFailure extends Error {
  readonly withdraws: boolean;
  constructor(message: string, withdraws: boolean) {
    super(message);
    this.withdraws = withdraws;
  }
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
  const tooLarge = () => new FetchFailure(`the JWKS is larger than ${MAX_BODY} bytes`, true);
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

/** The key set of a 200 body, or a FetchFailure that withdraws the keys: the answer is authoritative but unusable. */
function parseJwks(body: string): JSONWebKeySet {
  let jwks: unknown;
  try {
    jwks = JSON.parse(body);
  } catch {
    throw new FetchFailure('the JWKS is not JSON', true);
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new FetchFailure('the JWKS is not an object with a "keys" array', true);
  }
  return jwks as JSONWebKeySet;
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
  /** The key set in use, whose unchanged records a fetch carries over. */
  readonly current: () => KeySet;
  /**
   * Installs the keys of an answer (none, to withdraw them all); keys in use
   * that are left out stop vouching for `why`. Returns how many were installed.
   */
  readonly install: (records: readonly KeyRecord[], why: KeyRemovalReason) => number;
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
  readonly #staleIfErrorMs: number;
  readonly #headers: Record<string, string>;
  readonly #hooks: RemoteHooks;
  readonly #abort = new AbortController();
  /** True while the keys of the last usable answer are installed. */
  #inHand = false;
  /** Why the keys were taken away, while they are. */
  #withdrawal: string | undefined;
  #freshUntil = 0;
  /** When the keys in hand stop vouching unless a fetch confirms them: freshness + staleIfErrorSeconds. */
  #trustUntil = Number.POSITIVE_INFINITY;
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
    this.#staleIfErrorMs = seconds(options.staleIfErrorSeconds, 14_400, 'staleIfErrorSeconds') * 1000;
    this.#headers = { accept: 'application/json, application/jwk-set+json', ...options.headers };
    this.#hooks = hooks;
  }

  /** True while the keys of a usable answer are installed (possibly stale, possibly none). */
  get inHand(): boolean {
    return this.#inHand;
  }

  /** Why the keys were withdrawn (an answer that vouches for none, or the stale bound), while they are. */
  get withdrawal(): string | undefined {
    return this.#withdrawal;
  }

  /** The message of the KeyFetchError for a verification that finds no keys in hand. */
  unavailable(): string {
    if (this.#withdrawal !== undefined) {
      return `no keys: ${this.#withdrawal}; tokens verify again once a fetch of the JWKS succeeds`;
    }
    return `no keys: the JWKS at ${this.url.href} could not be fetched (${this.lastError?.message ?? 'rate limited'}); retry later`;
  }

  /** True when `tick` has work: the keys are past their max-age or their stale bound. Two compares: on the hit path. */
  isDue(now: number): boolean {
    return now >= this.#freshUntil || now >= this.#trustUntil;
  }

  /** Withdraws the keys past their stale bound, and starts a background refresh of stale keys. */
  tick(now: number): void {
    if (now >= this.#trustUntil) {
      const last = this.lastError === undefined ? '' : ` (the last fetch: ${this.lastError.message})`;
      this.#withdraw(
        `the keys from ${this.url.href} expired: not confirmed within staleIfErrorSeconds (${this.#staleIfErrorMs / 1000}) after they went stale${last}`,
        'expired',
      );
    }
    if (this.#inHand && now >= this.#freshUntil) void this.refresh('stale');
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
    if (reason === 'stale' && now < this.#freshUntil) return Promise.resolve(false);
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
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        const withdraws = WITHDRAWING_STATUSES.has(status);
        throw new FetchFailure(
          `the JWKS endpoint answered HTTP ${status}${withdraws ? ': it no longer publishes the keys' : ''}`,
          withdraws,
        );
      }
      const jwks = parseJwks(await readBody(res));
      const { records, ignored } = await importJwks(jwks, this.#hooks.algorithms, {
        allowSecret: false,
        blocked: this.#hooks.blocked,
        previous: this.#hooks.current(),
      });
      // A 200 is the issuer's word even when no key in it is usable (an empty
      // set, only "enc" keys, only other algorithms...): the set is replaced,
      // and the keys it no longer lists stop vouching now.
      const maxAge = cacheControlMaxAge(res.headers.get('cache-control')) ?? this.#defaultMaxAge;
      const clamped = Math.min(this.#maxMaxAge, Math.max(this.#minMaxAge, maxAge));
      this.#freshUntil = this.#hooks.now() + clamped * 1000;
      this.#trustUntil = this.#freshUntil + this.#staleIfErrorMs;
      this.#inHand = true;
      this.#withdrawal = undefined;
      this.lastError = undefined;
      const installed = this.#hooks.install(records, 'rotated');
      this.#hooks.onFetch(true);
      if (keyIgnoredChannel.hasSubscribers) for (const k of ignored) keyIgnoredChannel.publish(k);
      if (jwksFetchChannel.hasSubscribers) {
        jwksFetchChannel.publish({ url: this.url.href, ok: true, status, keys: installed });
      }
      return true;
    } catch (error) {
      // An answer that vouches for no key (401/403/404/410, a 200 that is not
      // a JWKS) withdraws the keys at once. An endpoint that is down (5xx,
      // 429, network, timeout) leaves them in hand until their stale bound:
      // it must not take every verification down with it at once. Either way,
      // retry no sooner than the cooldown.
      this.lastError = error as Error;
      this.#freshUntil = this.#hooks.now() + this.#cooldown * 1000;
      if (error instanceof FetchFailure && error.withdraws) {
        const answered = status === 200 ? `answered 200, but ${error.message}` : `answered HTTP ${status}`;
        this.#withdraw(`the JWKS at ${this.url.href} ${answered}`, 'withdrawn');
      }
      this.#hooks.onFetch(false);
      if (jwksFetchChannel.hasSubscribers) {
        jwksFetchChannel.publish({ url: this.url.href, ok: false, status, error: (error as Error).message });
      }
      return false;
    }
  }

  #withdraw(why: string, reason: KeyRemovalReason): void {
    this.#inHand = false;
    this.#withdrawal = why;
    this.#trustUntil = Number.POSITIVE_INFINITY;
    this.#hooks.install([], reason);
  }

  /** Abandons an in-flight fetch. */
  close(): void {
    this.#abort.abort();
  }
}

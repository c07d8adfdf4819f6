// A JWKS fetched over HTTP(S) (RFC 7517 §5, as published at an OpenID
// `jwks_uri`): fresh for the response's Cache-Control max-age, refreshed in the
// background when stale, refetched once (single-flight) for an unknown kid
// after a cooldown, never more often than a rate limit. Every answer of the
// endpoint is authoritative and replaces the keys, also when it leaves none
// (fail closed); only an endpoint that is down (5xx, 429, network error,
// timeout) leaves the keys in hand, and then for `staleIfErrorSeconds` at most.
import type { JSONWebKeySet } from 'jose';
import type { Algorithm } from './algorithms.js';
import { jwksFetchChannel, type KeyRemovalReason, keyIgnoredChannel } from './channels.js';
import { JwksFetchFailure } from './errors.js';
import { importJwks, type KeyRecord, type KeySet } from './keySet.js';
import type { ResolvedRemoteJwks } from './options.js';

/**
 * Answers that say the endpoint no longer publishes the keys to us (RFC 9110
 * §15.5): the server is up and answered, so they are not an outage.
 */
const WITHDRAWING_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 410]);

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
  const tooLarge = () => new JwksFetchFailure(`the JWKS is larger than ${MAX_BODY} bytes`, true);
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

/** The key set of a 200 body, or a JwksFetchFailure that withdraws the keys: the answer is authoritative but unusable. */
function parseJwks(body: string): JSONWebKeySet {
  let jwks: unknown;
  try {
    jwks = JSON.parse(body);
  } catch {
    throw new JwksFetchFailure('the JWKS is not JSON', true);
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new JwksFetchFailure('the JWKS is not an object with a "keys" array', true);
  }
  return jwks as JSONWebKeySet;
}

interface RemoteHooks {
  /** The verifier's `name`, for the diagnostics messages. */
  readonly name: string;
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
  readonly #options: ResolvedRemoteJwks;
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

  constructor(options: ResolvedRemoteJwks, hooks: RemoteHooks) {
    this.url = options.url;
    this.#options = options;
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
        `the keys from ${this.url.href} expired: not confirmed within staleIfErrorSeconds (${this.#options.staleIfErrorMs / 1000}) after they went stale${last}`,
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
    if (cooling && now - this.#lastFetchAt < this.#options.cooldownMs) return Promise.resolve(false);
    if (reason === 'stale' && now < this.#freshUntil) return Promise.resolve(false);
    this.#fetchTimes = this.#fetchTimes.filter((t) => now - t < 60_000);
    if (this.#fetchTimes.length >= this.#options.maxFetchesPerMinute) return Promise.resolve(false);
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
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#options.timeoutMs)]);
      const res = await fetch(this.url, { headers: this.#headers, signal, redirect: 'error' });
      status = res.status;
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        const withdraws = WITHDRAWING_STATUSES.has(status);
        throw new JwksFetchFailure(
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
      const { defaultMaxAgeMs, minMaxAgeMs, maxMaxAgeMs } = this.#options;
      const maxAge = cacheControlMaxAge(res.headers.get('cache-control'));
      const maxAgeMs = maxAge === undefined ? defaultMaxAgeMs : maxAge * 1000;
      this.#freshUntil = this.#hooks.now() + Math.min(maxMaxAgeMs, Math.max(minMaxAgeMs, maxAgeMs));
      this.#trustUntil = this.#freshUntil + this.#options.staleIfErrorMs;
      this.#inHand = true;
      this.#withdrawal = undefined;
      this.lastError = undefined;
      const installed = this.#hooks.install(records, 'rotated');
      this.#hooks.onFetch(true);
      const name = this.#hooks.name;
      if (keyIgnoredChannel.hasSubscribers) {
        for (const k of ignored) keyIgnoredChannel.publish({ name, kid: k.kid, why: k.why });
      }
      if (jwksFetchChannel.hasSubscribers) {
        jwksFetchChannel.publish({ name, url: this.url.href, ok: true, status, keys: installed });
      }
      return true;
    } catch (error) {
      // An answer that vouches for no key (401/403/404/410, a 200 that is not
      // a JWKS) withdraws the keys at once. An endpoint that is down (5xx,
      // 429, network, timeout) leaves them in hand until their stale bound:
      // it must not take every verification down with it at once. Either way,
      // retry no sooner than the cooldown.
      this.lastError = error as Error;
      this.#freshUntil = this.#hooks.now() + this.#options.cooldownMs;
      if (error instanceof JwksFetchFailure && error.withdraws) {
        const answered = status === 200 ? `answered 200, but ${error.message}` : `answered HTTP ${status}`;
        this.#withdraw(`the JWKS at ${this.url.href} ${answered}`, 'withdrawn');
      }
      this.#hooks.onFetch(false);
      if (jwksFetchChannel.hasSubscribers) {
        jwksFetchChannel.publish({
          name: this.#hooks.name,
          url: this.url.href,
          ok: false,
          status,
          error: (error as Error).message,
        });
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

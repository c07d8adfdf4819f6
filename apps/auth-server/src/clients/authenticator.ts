// Checks what a request's credentials say (RFC 6749 §2.3, RFC 7523 §3) without
// a blocking database call or a KDF on the hot path: clients come from the
// client cache (stale-if-error while the database is down), and a secret that
// verified once is remembered under an HMAC of the id and secret made with a
// key that never leaves this process, so scrypt runs once per client per TTL.
import { createHmac, randomBytes } from 'node:crypto';
import { Cache, type SecondLevel } from '@perf/cache';
import { createVerifier, JwtVerifyError, type Verifier } from '@perf/jwt-cache';
import type { PresentedCredentials } from '../oauth/clientCredentials.js';
import { invalidClient, invalidRequest, OAuthError } from '../oauth/errors.js';
import type { Client } from './client.js';
import { verifySecret } from './secret.js';

/** Where clients are read from (the database). */
export interface ClientSource {
  get(clientId: string): Promise<Client | undefined>;
}

/** Refuses a private_key_jwt assertion's jti seen before (RFC 7523 §3, item 7). */
export interface ReplayGuard {
  /** True the first time `jti` is seen for `clientId`; false for a replay. */
  firstUse(clientId: string, jti: string, expiresAtMs: number): Promise<boolean>;
}

export interface AuthenticatorOptions {
  readonly clients: ClientSource;
  readonly replay: ReplayGuard;
  /** The token endpoint's URL and the issuer: an assertion's `aud` must name one of them. */
  readonly audiences: readonly string[];
  readonly cacheTtlMs: number;
  readonly cacheMax: number;
  /** The client cache's second level (Redis) when instances share one: its bus spreads `forget` to all. */
  readonly secondLevel?: SecondLevel | undefined;
  readonly now?: () => number;
}

/** Longest an assertion may live: they are made for one request. */
const MAX_ASSERTION_LIFETIME_S = 300;

export class ClientAuthenticator {
  /** Clients by id; null for an id that is not registered. */
  readonly clients: Cache<Client | null>;
  /** HMAC(id, secret) of secrets that verified. */
  readonly #verified: Cache<true>;
  readonly #assertionVerifiers = new Map<string, Promise<Verifier>>();
  readonly #hmacKey = randomBytes(32);
  readonly #options: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.clients = new Cache<Client | null>({
      name: 'clients',
      max: options.cacheMax,
      ttl: options.cacheTtlMs,
      staleIfErrorMs: options.cacheTtlMs,
      ...(options.secondLevel ? { secondLevel: options.secondLevel } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    this.#verified = new Cache<true>({ name: 'verified-secrets', max: options.cacheMax, ttl: options.cacheTtlMs });
  }

  /** The client the credentials prove, or an invalid_client / invalid_request OAuthError. */
  async authenticate(credentials: PresentedCredentials): Promise<Client> {
    if (credentials.method === 'private_key_jwt') return this.#byAssertion(credentials.clientId, credentials.assertion);
    const client = await this.#client(credentials.clientId);
    if (client === undefined || !client.authMethods.includes(credentials.method) || client.secretHash === undefined) {
      throw invalidClient('client authentication failed');
    }
    const proof = createHmac('sha256', this.#hmacKey)
      .update(`${client.clientId}\0${client.secretHash}\0${credentials.secret}`)
      .digest('base64url');
    if (this.#verified.get(proof) === undefined) {
      if (!(await verifySecret(credentials.secret, client.secretHash)))
        throw invalidClient('client authentication failed');
      await this.#verified.set(proof, true);
    }
    return client;
  }

  /** Forgets a client (changed or removed) here; the cache's second level, when set, tells the other instances. */
  async forget(clientId: string): Promise<void> {
    await this.clients.delete(clientId);
    this.#assertionVerifiers.delete(clientId);
  }

  async close(): Promise<void> {
    await Promise.all([this.clients.close(), this.#verified.close()]);
    for (const v of this.#assertionVerifiers.values()) await (await v.catch(() => undefined))?.close();
  }

  async #client(clientId: string): Promise<Client | undefined> {
    let client: Client | null;
    try {
      client = await this.clients.getOrLoad(clientId, async () => (await this.#options.clients.get(clientId)) ?? null);
    } catch {
      throw new OAuthError('temporarily_unavailable', 'the client registry cannot be read; retry shortly', 503, {
        'retry-after': '5',
      });
    }
    return client === null || client.disabled ? undefined : client;
  }

  async #byAssertion(bodyClientId: string | undefined, assertion: string): Promise<Client> {
    const claimed = unverifiedIssuer(assertion);
    if (claimed === undefined) throw invalidClient('client_assertion is not a JWT with an iss claim', 'none');
    if (bodyClientId !== undefined && bodyClientId !== claimed) {
      throw invalidRequest('client_id differs from the client_assertion issuer');
    }
    const client = await this.#client(claimed);
    if (client === undefined || !client.authMethods.includes('private_key_jwt') || client.jwks === undefined) {
      throw invalidClient('client authentication failed', 'none');
    }
    let claims: Readonly<Record<string, unknown>>;
    try {
      claims = await (await this.#assertionVerifier(client)).verify(assertion);
    } catch (error) {
      const why = error instanceof JwtVerifyError ? error.message : 'the assertion could not be verified';
      throw invalidClient(`client_assertion refused: ${why}`, 'none');
    }
    if (claims.sub !== client.clientId) throw invalidClient('client_assertion: sub must be the client_id', 'none');
    const exp = claims.exp as number;
    const nowS = Math.floor((this.#options.now ?? Date.now)() / 1000);
    if (exp - nowS > MAX_ASSERTION_LIFETIME_S) {
      throw invalidClient(`client_assertion: exp is more than ${MAX_ASSERTION_LIFETIME_S} s away`, 'none');
    }
    if (typeof claims.jti !== 'string' || claims.jti === '') {
      throw invalidClient('client_assertion: jti is required', 'none');
    }
    if (!(await this.#options.replay.firstUse(client.clientId, claims.jti, exp * 1000))) {
      throw invalidClient('client_assertion: this jti was already used', 'none');
    }
    return client;
  }

  #assertionVerifier(client: Client): Promise<Verifier> {
    let v = this.#assertionVerifiers.get(client.clientId);
    if (v === undefined) {
      v = createVerifier({
        jwks: client.jwks as NonNullable<Client['jwks']>,
        algorithms: ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'],
        issuer: client.clientId,
        audience: [...this.#options.audiences],
        requiredClaims: ['exp', 'sub'],
        cache: false,
        ...(this.#options.now ? { now: this.#options.now } : {}),
      });
      v.catch(() => this.#assertionVerifiers.delete(client.clientId));
      this.#assertionVerifiers.set(client.clientId, v);
    }
    return v;
  }
}

/** The `iss` of a JWT read without verifying it: only to pick the client whose keys then verify it. */
function unverifiedIssuer(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

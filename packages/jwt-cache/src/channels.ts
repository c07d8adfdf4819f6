// node:diagnostics_channel events. Publishers check `hasSubscribers` first, so
// an uninstrumented verifier pays one boolean test per event.
import { channel } from 'node:diagnostics_channel';
import type { JwtVerifyErrorCode, RejectReason } from './errors.js';

/** Why a trusted key stopped vouching; see `KeyRemovedMessage`. */
export type KeyRemovalReason = 'rotated' | 'withdrawn' | 'expired' | 'purged';

/** A token was refused. */
export interface RejectMessage {
  /** The verifier's `name` option. */
  readonly name: string;
  readonly reason: RejectReason;
  readonly code: JwtVerifyErrorCode;
  /** The `kid` of the token's header, when it could be read. */
  readonly kid: string | undefined;
}

/** A remote JWKS fetch finished. */
export interface JwksFetchMessage {
  /** The verifier's `name` option. */
  readonly name: string;
  readonly url: string;
  /** True when the answer was a JWKS (even one with no usable key). */
  readonly ok: boolean;
  /** The HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** How many keys were installed (ok only). */
  readonly keys?: number;
  /** Why the fetch failed (not ok only). */
  readonly error?: string;
}

/** A JWK was not imported (encryption key, algorithm not allowed, ambiguous, purged...). */
export interface KeyIgnoredMessage {
  /** The verifier's `name` option. */
  readonly name: string;
  readonly kid: string | undefined;
  readonly why: string;
}

/** A revocation was applied: `revoke(jti)`, `revokeSubject(sub)` or `purgeKid(kid)`. */
export interface RevokeMessage {
  /** The verifier's `name` option. */
  readonly name: string;
  readonly kind: 'jti' | 'subject' | 'kid';
  readonly value: string;
}

/**
 * A trusted key stopped vouching: `rotated` (a JWKS answered 200 without it as
 * a usable signature key), `withdrawn` (the JWKS URL answered 401, 403, 404 or
 * 410, or a 200 that is not a JWKS), `expired` (not confirmed by the endpoint
 * within `staleIfErrorSeconds` after going stale), `purged` (`purgeKid`).
 */
export interface KeyRemovedMessage {
  /** The verifier's `name` option. */
  readonly name: string;
  readonly kid: string | undefined;
  readonly alg: string;
  readonly why: KeyRemovalReason;
}

/** The `node:diagnostics_channel` name of each event, `perf:jwt-cache:<event>`. */
export const channelNames = {
  /** A token was refused: `RejectMessage`. */
  reject: 'perf:jwt-cache:reject',
  /** A remote JWKS fetch finished: `JwksFetchMessage`. */
  jwksFetch: 'perf:jwt-cache:jwks-fetch',
  /** A JWK was not imported: `KeyIgnoredMessage`. */
  keyIgnored: 'perf:jwt-cache:key-ignored',
  /** A jti, a subject or a kid was revoked: `RevokeMessage`. */
  revoke: 'perf:jwt-cache:revoke',
  /** A trusted key stopped vouching: `KeyRemovedMessage`. */
  keyRemoved: 'perf:jwt-cache:key-removed',
} as const;

/** The message type of each event of `channelNames`. */
export interface JwtCacheChannelMessages {
  reject: RejectMessage;
  jwksFetch: JwksFetchMessage;
  keyIgnored: KeyIgnoredMessage;
  revoke: RevokeMessage;
  keyRemoved: KeyRemovedMessage;
}

export const rejectChannel = channel(channelNames.reject);
export const jwksFetchChannel = channel(channelNames.jwksFetch);
export const keyIgnoredChannel = channel(channelNames.keyIgnored);
export const revokeChannel = channel(channelNames.revoke);
export const keyRemovedChannel = channel(channelNames.keyRemoved);

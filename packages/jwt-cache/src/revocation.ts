// What has been revoked: token ids and subjects. Checked on every cache hit as
// well as on every full verification, so a revocation takes effect at once.
import type { JwtClaims } from './compactJws.js';

/** Where revocations are pushed: a verifier implements it, a RevocationSource calls it. */
export interface RevocationSink {
  /** Refuses the token with this `jti`. `untilMs` (ms since the epoch, e.g. the token's `exp` × 1000) lets the entry be forgotten afterwards. */
  revoke(jti: string, untilMs?: number): void;
  /** Refuses every token of `sub` issued before `issuedBefore` (a NumericDate, seconds), and those without `iat`. */
  revokeSubject(sub: string, issuedBefore: number): void;
  /** Distrusts the key with this `kid` for good: tokens it signed (cached or not) are refused. */
  purgeKid(kid: string): void;
}

/**
 * A feed of revocations from elsewhere, e.g. the auth server's list over Redis
 * pub/sub. `subscribe` is called once by `createVerifier`; what it returns is
 * called on `close()`.
 */
export interface RevocationSource {
  subscribe(sink: RevocationSink): (() => void | Promise<void>) | Promise<() => void | Promise<void>>;
}

/** Revoked token ids and subjects, with lazy forgetting of entries past their `untilMs`. */
export class RevocationList {
  readonly #jtis = new Map<string, number>();
  readonly #subjects = new Map<string, number>();
  #sweepAt = 1024;
  readonly #graceMs: number;
  /** False while nothing is revoked, so the hot path skips both lookups. */
  active = false;

  /**
   * `graceMs`: how long after its `untilMs` an entry is kept. A token stays
   * valid for clockTolerance after its exp, so its revocation must too.
   */
  constructor(graceMs = 0) {
    this.#graceMs = graceMs;
  }

  revoke(jti: string, untilMs: number, now: number): void {
    this.#jtis.set(jti, Math.max(untilMs, this.#jtis.get(jti) ?? untilMs));
    this.active = true;
    if (this.#jtis.size >= this.#sweepAt) {
      const cutoff = now - this.#graceMs;
      for (const [id, u] of this.#jtis) if (u <= cutoff) this.#jtis.delete(id);
      this.#sweepAt = Math.max(1024, this.#jtis.size * 2);
    }
  }

  revokeSubject(sub: string, issuedBefore: number): void {
    this.#subjects.set(sub, Math.max(issuedBefore, this.#subjects.get(sub) ?? issuedBefore));
    this.active = true;
  }

  /** True when `claims` name a revoked `jti`, or a revoked subject's token issued before its cut-off. */
  isRevoked(claims: JwtClaims): boolean {
    if (claims.jti !== undefined && this.#jtis.has(claims.jti)) return true;
    if (claims.sub === undefined) return false;
    const cutoff = this.#subjects.get(claims.sub);
    return cutoff !== undefined && (claims.iat === undefined || claims.iat < cutoff);
  }

  get size(): number {
    return this.#jtis.size + this.#subjects.size;
  }
}

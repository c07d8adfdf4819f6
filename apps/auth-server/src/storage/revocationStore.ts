// Revoked tokens, kept until they would have expired anyway, so that every
// instance (and this one after a restart) refuses them.
import type { Queryable } from '@perf/app-kit';

export class RevocationStore {
  readonly #db: Pick<Queryable, 'query'>;

  constructor(db: Pick<Queryable, 'query'>) {
    this.#db = db;
  }

  async add(jti: string, clientId: string, expiresAtMs: number): Promise<void> {
    await this.#db.query(
      'INSERT INTO revocations (jti, client_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING',
      [jti, clientId, new Date(expiresAtMs)],
    );
  }

  /** Revocations of tokens that have not expired yet, made at or after `since` (ms; default: all). */
  async active(since = 0): Promise<{ jti: string; expiresAtMs: number }[]> {
    const { rows } = await this.#db.query<{ jti: string; expires_at: Date }>(
      'SELECT jti, expires_at FROM revocations WHERE expires_at > now() AND revoked_at >= $1',
      [new Date(since)],
    );
    return rows.map((r) => ({ jti: r.jti, expiresAtMs: new Date(r.expires_at).getTime() }));
  }
}

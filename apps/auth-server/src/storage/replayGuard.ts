// private_key_jwt assertions are single-use (RFC 7523 §3, item 7): the first
// insert of (client, jti) wins, a second one is a replay. Rows outlive the
// assertion's own exp, after which it is refused anyway, and are pruned then.
import type { Queryable } from '@perf/app-kit';
import type { ReplayGuard } from '../clients/authenticator.js';

export class DatabaseReplayGuard implements ReplayGuard {
  readonly #db: Pick<Queryable, 'query'>;
  #lastPrune = 0;

  constructor(db: Pick<Queryable, 'query'>) {
    this.#db = db;
  }

  async firstUse(clientId: string, jti: string, expiresAtMs: number): Promise<boolean> {
    const now = Date.now();
    if (now - this.#lastPrune > 60_000) {
      this.#lastPrune = now;
      await this.#db.query('DELETE FROM client_assertions WHERE expires_at < now()');
    }
    const { rowCount } = await this.#db.query(
      'INSERT INTO client_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [clientId, jti, new Date(expiresAtMs)],
    );
    return rowCount === 1;
  }
}

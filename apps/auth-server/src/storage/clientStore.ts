// Clients in the database.
import type { Queryable } from '@perf/app-kit';
import type { JSONWebKeySet } from 'jose';
import type { Client, ClientSpec, GrantType } from '../clients/client.js';
import { hashSecret } from '../clients/secret.js';
import type { AuthMethod } from '../oauth/clientCredentials.js';

interface Row {
  client_id: string;
  secret_hash: string | null;
  auth_methods: AuthMethod[];
  grant_types: GrantType[];
  jwks: JSONWebKeySet | null;
  scopes: string[];
  audiences: string[];
  token_ttl_seconds: number | null;
  disabled: boolean;
}

const COLUMNS =
  'client_id, secret_hash, auth_methods, grant_types, jwks, scopes, audiences, token_ttl_seconds, disabled';

const toClient = (r: Row): Client => ({
  clientId: r.client_id,
  secretHash: r.secret_hash ?? undefined,
  authMethods: r.auth_methods,
  grantTypes: r.grant_types,
  jwks: r.jwks ?? undefined,
  scopes: r.scopes,
  audiences: r.audiences,
  tokenTtlSeconds: r.token_ttl_seconds ?? undefined,
  disabled: r.disabled,
});

export class ClientStore {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async get(clientId: string): Promise<Client | undefined> {
    const { rows } = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM clients WHERE client_id = $1`, [clientId]);
    return rows[0] === undefined ? undefined : toClient(rows[0]);
  }

  async list(): Promise<Client[]> {
    const { rows } = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM clients ORDER BY client_id`);
    return rows.map(toClient);
  }

  async count(): Promise<number> {
    const { rows } = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM clients');
    return rows[0]?.n ?? 0;
  }

  /** Creates or replaces a client; the secret is stored as its scrypt hash. */
  async put(spec: ClientSpec): Promise<Client> {
    const secretHash = spec.secret === undefined ? null : await hashSecret(spec.secret);
    const { rows } = await this.#db.query<Row>(
      `INSERT INTO clients (client_id, secret_hash, auth_methods, grant_types, jwks, scopes, audiences, token_ttl_seconds, disabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, auth_methods = EXCLUDED.auth_methods,
         grant_types = EXCLUDED.grant_types,
         jwks = EXCLUDED.jwks, scopes = EXCLUDED.scopes, audiences = EXCLUDED.audiences,
         token_ttl_seconds = EXCLUDED.token_ttl_seconds, disabled = EXCLUDED.disabled, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        spec.clientId,
        secretHash,
        spec.authMethods ?? ['client_secret_basic', 'client_secret_post'],
        spec.grantTypes ?? ['client_credentials'],
        spec.jwks === undefined ? null : JSON.stringify(spec.jwks),
        spec.scopes,
        spec.audiences,
        spec.tokenTtlSeconds ?? null,
        spec.disabled ?? false,
      ],
    );
    return toClient(rows[0] as Row);
  }

  async remove(clientId: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM clients WHERE client_id = $1', [clientId])).rowCount > 0;
  }
}

// The token-signing keys. The private key lives only in this instance's data
// folder (a file of mode 0600 in a folder of mode 0700); its public half goes
// into the database, so every instance's JWKS lists every instance's keys.
// Rotation makes a new key and retires the old one, which stays published
// until the last token it signed has expired.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '@perf/app-kit';
import type { JWK } from 'jose';

export type SigningAlg = 'ES256' | 'EdDSA';

export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateJwk: JWK;
  readonly createdAt: string;
  readonly retiredAt?: string;
}

const keysDir = (dataDir: string): string => join(dataDir, 'keys');

function readKeys(dataDir: string): SigningKey[] {
  const dir = keysDir(dataDir);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SigningKey)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function writeKey(dataDir: string, key: SigningKey): void {
  const dir = keysDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, `${key.kid}.json`);
  writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function generate(alg: SigningAlg): SigningKey {
  const { privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const createdAt = new Date().toISOString();
  const kid = `${createdAt.slice(0, 10)}-${randomBytes(6).toString('base64url')}`;
  return { kid, alg, privateJwk: privateKey.export({ format: 'jwk' }) as JWK, createdAt };
}

export function publicJwk(key: SigningKey): JWK {
  const jwk = createPublicKey(createPrivateKey({ key: key.privateJwk, format: 'jwk' })).export({
    format: 'jwk',
  }) as JWK;
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

async function publish(db: Queryable, key: SigningKey): Promise<void> {
  await db.query('INSERT INTO signing_keys (kid, alg, public_jwk) VALUES ($1, $2, $3) ON CONFLICT (kid) DO NOTHING', [
    key.kid,
    key.alg,
    JSON.stringify(publicJwk(key)),
  ]);
}

/** The key this instance signs with: the newest unretired one of its data folder, made on first start. */
export async function activeSigningKey(dataDir: string, db: Queryable, alg: SigningAlg): Promise<SigningKey> {
  let key = readKeys(dataDir)
    .filter((k) => k.retiredAt === undefined && k.alg === alg)
    .at(-1);
  if (key === undefined) {
    key = generate(alg);
    writeKey(dataDir, key);
  }
  await publish(db, key);
  return key;
}

/**
 * Makes a new active key and retires this folder's others: they stay in the
 * JWKS for `keepPublishedSeconds` (the longest token lifetime plus clock skew).
 */
export async function rotateSigningKey(
  dataDir: string,
  db: Queryable,
  alg: SigningAlg,
  keepPublishedSeconds: number,
): Promise<{ active: SigningKey; retired: string[] }> {
  const now = new Date();
  const retired: string[] = [];
  const active = generate(alg);
  writeKey(dataDir, active);
  await publish(db, active);
  for (const old of readKeys(dataDir)) {
    if (old.kid === active.kid || old.retiredAt !== undefined) continue;
    writeKey(dataDir, { ...old, retiredAt: now.toISOString() });
    await db.query(
      `UPDATE signing_keys SET retired_at = $2, expires_at = $2::timestamptz + make_interval(secs => $3) WHERE kid = $1`,
      [old.kid, now.toISOString(), keepPublishedSeconds],
    );
    retired.push(old.kid);
  }
  return { active, retired };
}

/** The JWKS (RFC 7517 §5): every instance's keys that may still have signed an unexpired token. */
export async function publishedKeys(db: Queryable): Promise<{ keys: JWK[] }> {
  const { rows } = await db.query<{ public_jwk: JWK }>(
    'SELECT public_jwk FROM signing_keys WHERE expires_at IS NULL OR expires_at > now() ORDER BY created_at DESC',
  );
  return { keys: rows.map((r) => r.public_jwk) };
}

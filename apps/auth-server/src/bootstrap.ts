// What a first start sets up so that nothing has to be set up by hand: the
// clients of the seed file, a demo client when there is none (its secret in
// the data folder, mode 0600, so the printed curl works on every start), and
// an admin token when ADMIN_TOKEN is not given.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { clientSpec } from './clients/client.js';
import { newSecret } from './clients/secret.js';
import type { AuthConfig } from './config.js';
import type { ClientStore } from './storage/clientStore.js';

export interface DemoClient {
  readonly clientId: string;
  readonly secret: string;
}

/** The audience of the demo client's tokens when nothing else is configured. */
export const DEMO_AUDIENCE = 'urn:perf:api';

export async function seedClients(store: ClientStore, config: AuthConfig, log: FastifyBaseLogger): Promise<void> {
  if (config.seedFile !== undefined) {
    const where = config.seedFile;
    let list: unknown;
    try {
      list = JSON.parse(readFileSync(where, 'utf8'));
    } catch (error) {
      throw new Error(`SEED_FILE ${where}: ${(error as Error).message}`);
    }
    if (!Array.isArray(list)) throw new Error(`SEED_FILE ${where}: must be a JSON array of clients`);
    const specs = list.map((c, i) => clientSpec(c, `SEED_FILE ${where}[${i}]`));
    for (const spec of specs) await store.put(spec);
    log.info({ clients: specs.length, file: where }, 'seeded clients');
  }
  if ((await store.count()) === 0) {
    const demo = demoClient(config.dataDir);
    await store.put({
      clientId: demo.clientId,
      secret: demo.secret,
      scopes: ['read', 'write'],
      audiences: [DEMO_AUDIENCE],
    });
    log.info({ clientId: demo.clientId }, 'registered the demo client');
  }
}

const demoFile = (dataDir: string): string => join(dataDir, 'demo-client.json');

/** The demo client's credentials when this data folder registered one. */
export function readDemoClient(dataDir: string): DemoClient | undefined {
  const file = demoFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoClient) : undefined;
}

/** The demo client's credentials, made once and kept in the data folder. */
function demoClient(dataDir: string): DemoClient {
  const file = demoFile(dataDir);
  const existing = readDemoClient(dataDir);
  if (existing !== undefined) return existing;
  const demo = { clientId: 'demo', secret: newSecret() };
  writePrivate(file, `${JSON.stringify(demo, null, 2)}\n`);
  return demo;
}

/** ADMIN_TOKEN, or one made once and kept in the data folder. */
export function adminToken(config: AuthConfig): string {
  if (config.adminToken !== undefined) return config.adminToken;
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writePrivate(file, `${token}\n`);
  return token;
}

function writePrivate(file: string, content: string): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
}

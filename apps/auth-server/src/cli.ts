#!/usr/bin/env node
// The admin CLI, on the same environment as the server (DATA_DIR, DATABASE_URL, …):
//   auth-server rotate-key            a new signing key; the old one stays published until its tokens expire
//   auth-server put-client <file>     register or replace the client(s) of a JSON file (one object or an array)
//   auth-server list-clients          the registered clients, secrets left out
//   auth-server remove-client <id>
// A running server sees client changes made here within its client cache TTL
// (10 minutes); the admin API (PUT/DELETE /admin/clients/:id) applies them at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openDatabase } from '@perf/app-kit';
import { clientSpec } from './clients/client.js';
import { readConfig } from './config.js';
import { rotateSigningKey } from './keys/signingKeys.js';
import { ClientStore } from './storage/clientStore.js';
import { MIGRATIONS } from './storage/schema.js';

const [command, arg] = process.argv.slice(2);
const config = readConfig();
const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
try {
  await migrate(db, 'auth-server', MIGRATIONS);
  const clients = new ClientStore(db);
  switch (command) {
    case 'rotate-key': {
      // Longest token lifetime (a client may have its own, up to a day) plus 5 minutes of clock skew.
      const { active, retired } = await rotateSigningKey(config.dataDir, db, config.signingAlg, 86_400 + 300);
      console.log(
        `new signing key ${active.kid}; retired ${retired.join(', ') || 'none'} (published until their tokens expire)`,
      );
      console.log('restart the server (or send it SIGTERM and start it again) to sign with the new key');
      break;
    }
    case 'put-client': {
      if (arg === undefined) throw new Error('usage: auth-server put-client <file.json>');
      const parsed: unknown = JSON.parse(readFileSync(arg, 'utf8'));
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const [i, c] of list.entries()) {
        const saved = await clients.put(clientSpec(c, `${arg}[${i}]`));
        console.log(`registered ${saved.clientId} (${saved.authMethods.join(', ')})`);
      }
      break;
    }
    case 'list-clients':
      for (const { secretHash: _hidden, ...c } of await clients.list()) console.log(JSON.stringify(c));
      break;
    case 'remove-client':
      if (arg === undefined) throw new Error('usage: auth-server remove-client <client_id>');
      console.log((await clients.remove(arg)) ? `removed ${arg}` : `no client ${arg}`);
      break;
    default:
      console.error('usage: auth-server rotate-key | put-client <file> | list-clients | remove-client <id>');
      process.exitCode = 2;
  }
} catch (error) {
  console.error(`auth-server: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}

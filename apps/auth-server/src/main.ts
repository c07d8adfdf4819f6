// `node dist/main.js`: starts the auth server on embedded defaults (or the
// environment's), prints where it listens and a curl that gets a token.

import { readDemoClient } from './bootstrap.js';
import { readConfig } from './config.js';
import { createAuthServer } from './server.js';

const config = readConfig();
const server = await createAuthServer(config);
server.closeOnSignals();
const base = await server.listen();
const demo = readDemoClient(config.dataDir);
const lines = [`auth-server listening on ${base} (issuer ${config.issuer}, ${server.db.kind} database)`];
if (demo !== undefined) {
  lines.push(
    `  get a token:  curl -s -u ${demo.clientId}:${demo.secret} -d grant_type=client_credentials ${base}/oauth/token`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

// `node dist/main.js`: starts the git server on embedded defaults (or the
// environment's), prints where it listens and the commands that get a token
// from the auth server beside it, create a repository and clone it.
import { readConfig } from './config.js';
import { createGitServer } from './server.js';

const config = readConfig();
const server = await createGitServer(config);
server.closeOnSignals();
const base = await server.listen();
const keys = config.trustedKeys.kind === 'jwks' ? config.trustedKeys.url : config.trustedKeys.path;
const demoSecret = `node -p "require('./data/auth-server/demo-client.json').secret"`;
const accessToken = `node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).access_token"`;
const lines = [
  `git-server listening on ${base} (repositories in ${config.reposDir}, ${server.db.kind} database; tokens of ${config.authIssuer}, keys from ${keys})`,
  '  get a token from the auth server (its demo client, from the folder `npm start` runs in):',
  `    TOKEN=$(curl -s -u "demo:$(${demoSecret})" -d grant_type=client_credentials ${config.authIssuer}/oauth/token | ${accessToken})`,
  '  create a repository, then clone it:',
  `    curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"name":"hello"}' ${server.publicUrl}/api/repos`,
  `    git -c http.extraHeader="Authorization: Bearer $TOKEN" clone ${server.publicUrl}/hello.git`,
];
process.stdout.write(`${lines.join('\n')}\n`);

// Docker Engine API calls with a warm pool (the scheduler's DockerClient:
// undici Pool, keep-alive, the breaker, the negotiated version) against a new
// connection per call (what a client without keep-alive does: connect, send,
// read, close), both to the daemon stand-in on a unix socket, both parsing
// the same JSON answer (GET /exec/{id}/json). Goal: pooled ≥ 2× faster.
import { compare, runSuite } from '@perf/bench';
import { Client } from 'undici';
import { DockerClient } from '../src/docker/dockerClient.js';
import { startDockerStandIn } from '../test/dockerStandIn.js';

const standIn = await startDockerStandIn();
standIn.addContainer('web');
const pooled = new DockerClient({ host: standIn.host });
const version = await pooled.apiVersion();
const { Id: execId } = await pooled.json<{ Id: string }>('exec create', 'POST', '/containers/web/exec', {
  Cmd: ['true'],
});
const path = `/v${version}/exec/${execId}/json`;

compare(
  'Docker API call (exec inspect) over a unix socket',
  {
    ours: () => pooled.json('exec inspect', 'GET', `/exec/${execId}/json`),
    peers: {
      'new connection per call': async () => {
        const client = new Client('http://localhost', { socketPath: standIn.socketPath, pipelining: 0 });
        try {
          const res = await client.request({ method: 'GET', path, headers: { connection: 'close' } });
          return await res.body.json();
        } finally {
          await client.close();
        }
      },
    },
  },
  { goals: [{ peer: 'new connection per call', atMost: 0.5 }] },
);

await runSuite(import.meta.url);
await pooled.close();
await standIn.close();

// What the three peer servers share: the client, audience and scope they are
// given by the bench (the demo client of our server, so every server answers
// the very same request with the same claims), and how they announce where
// they listen.
import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: this server is started by tokens.bench.ts`);
  return value;
}

export const peerConfig = {
  clientId: required('BENCH_CLIENT_ID'),
  secret: required('BENCH_CLIENT_SECRET'),
  audience: required('BENCH_AUDIENCE'),
  scope: required('BENCH_SCOPE'),
  tokenTtlSeconds: 3600,
};

/** `Basic base64(id:secret)`: the header a client_secret_basic client sends (RFC 6749 §2.3.1). */
export const expectedBasic = `Basic ${Buffer.from(`${peerConfig.clientId}:${peerConfig.secret}`).toString('base64')}`;

/** Listens on a port the OS picks on loopback; resolves to the server's base URL. */
export async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Prints `listening on <url>`, which the bench waits for: call it once the server answers requests. */
export function announce(base: string): void {
  process.stdout.write(`listening on ${base}\n`);
}

/** The whole request body as text (a token request is a few dozen bytes). */
export async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  req.setEncoding('utf8');
  for await (const chunk of req) body += chunk;
  return body;
}

import { createServer } from 'node:net';

/** A loopback port nobody listens on (bound by the OS, then closed): connecting to it is refused for real. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A loopback port free right now, for a server whose own URL must be known
 * before it listens (an OAuth issuer names itself). The OS picked it; another
 * process could take it before the server binds, which loopback tests accept.
 */
export const freePort = closedPort;

// A loopback TCP proxy in front of a real server (Redis here), to cut one
// client off the network (the others keep their connections) or to hold back
// what a client sends.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly url: string;
  /** Connections open through the proxy (client and server sides). */
  readonly sockets: ReadonlySet<Socket>;
  /** Cuts the network: drops every connection and refuses new ones until `heal()`. */
  cut(): void;
  heal(): void;
  /** Drops every open connection once (the clients reconnect at once). */
  drop(): void;
  close(): void;
}

/**
 * Proxies `targetUrl` (`redis://host:port`, port 6379 when absent) on a loopback port the OS picks;
 * `url` is the same URL through the proxy. `hold(chunk)` returning true keeps a chunk the client
 * sent from reaching the server.
 */
export async function tcpProxy(targetUrl: string, hold: (chunk: Buffer) => boolean = () => false): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      if (!hold(chunk)) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const drop = () => {
    for (const socket of [...sockets]) socket.destroy();
  };
  return {
    url: `${target.protocol}//127.0.0.1:${(server.address() as { port: number }).port}`,
    sockets,
    cut() {
      refusing = true;
      drop();
    },
    heal() {
      refusing = false;
    },
    drop,
    close() {
      drop();
      server.close();
    },
  };
}

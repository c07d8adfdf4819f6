// A real HTTP server on loopback that jobs and webhooks call: it records
// every request and answers as the test says (a status, a body, a delay, or
// dropping the connection).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Hit {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** The client's port: the same for requests over one kept-alive connection. */
  readonly remotePort: number;
}

export type Answer = { status: number; body?: string; delayMs?: number } | 'drop';

export interface Target {
  readonly url: string;
  readonly hits: Hit[];
  /** How the next requests are answered (default 200 "ok"). */
  answer: (hit: Hit) => Answer;
  close(): Promise<void>;
}

export async function startTarget(): Promise<Target> {
  const hits: Hit[] = [];
  const target = {
    url: '',
    hits,
    answer: (_hit: Hit): Answer => ({ status: 200, body: 'ok' }),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const hit: Hit = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
        remotePort: req.socket.remotePort ?? 0,
      };
      hits.push(hit);
      const a = target.answer(hit);
      if (a === 'drop') {
        req.socket.destroy();
        return;
      }
      const send = () => res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? '');
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  target.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return target;
}

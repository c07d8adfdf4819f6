// A JWKS endpoint on a real loopback HTTP server whose answer the test sets:
// a status with a body, a dropped connection, or no answer at all.
import { channel } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { channelNames, type JwksFetchMessage } from '../src/index.js';

export type JwksAnswer =
  | {
      readonly status: number;
      readonly body: string;
      readonly cacheControl?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** The server destroys the connection without answering: a network error. */
  | { readonly drop: true }
  /** The server never answers: the client's timeout fires. */
  | { readonly hang: true };

/** A 200 with these keys, fresh for 100 s. */
export function jwksOk(keys: readonly unknown[]): JwksAnswer {
  return { status: 200, body: JSON.stringify({ keys }), cacheControl: 'max-age=100' };
}

export interface JwksEndpoint {
  readonly url: string;
  /** Requests received since start. */
  readonly requests: () => number;
  answer(next: JwksAnswer): void;
  close(): void;
}

export async function jwksEndpoint(): Promise<JwksEndpoint> {
  let answer: JwksAnswer = jwksOk([]);
  let requests = 0;
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    requests++;
    if ('drop' in answer) {
      req.socket.destroy();
      return;
    }
    if ('hang' in answer) {
      hanging.add(res);
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', ...answer.headers };
    if (answer.cacheControl !== undefined) headers['cache-control'] = answer.cacheControl;
    res.writeHead(answer.status, headers).end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: () => requests,
    answer(next) {
      answer = next;
    },
    close() {
      for (const res of hanging) res.destroy();
      server.close();
      server.closeAllConnections();
    },
  };
}

/** Resolves with the message of the next remote JWKS fetch to finish. */
export function nextJwksFetch(): Promise<JwksFetchMessage> {
  return new Promise((resolve) => {
    const ch = channel(channelNames.jwksFetch);
    const on = (message: unknown) => {
      ch.unsubscribe(on);
      resolve(message as JwksFetchMessage);
    };
    ch.subscribe(on);
  });
}

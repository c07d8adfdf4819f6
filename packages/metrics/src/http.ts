// Serving /metrics: a node:http request handler and a fastify plugin. Both pick
// the format from the scraper's Accept header.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyMetricsOptions } from './options.js';
import { contentType, defaultRegistry, negotiate, type Registry } from './registry.js';

async function render(registry: Registry, headers: IncomingHttpHeaders): Promise<{ type: string; body: string }> {
  const format = negotiate(headers.accept);
  return { type: contentType(format), body: await registry.metrics(format) };
}

/** A node:http handler that answers every request with the registry's exposition (mount it on `/metrics`). */
export function metricsHandler(
  registry: Registry = defaultRegistry,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    render(registry, req.headers).then(
      ({ type, body }) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  };
}

/** The part of a fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  get(
    path: string,
    handler: (request: { headers: IncomingHttpHeaders }, reply: FastifyReplyLike) => Promise<unknown>,
  ): unknown;
}
export interface FastifyReplyLike {
  header(name: string, value: string): unknown;
}

/** fastify plugin: `app.register(fastifyMetrics, { registry })` adds `GET /metrics`. */
export async function fastifyMetrics(app: FastifyInstanceLike, options: FastifyMetricsOptions = {}): Promise<void> {
  const registry = options.registry ?? defaultRegistry;
  app.get(options.path ?? '/metrics', async (request, reply) => {
    const { type, body } = await render(registry, request.headers);
    reply.header('content-type', type);
    return body;
  });
}

import { contentType, defaultRegistry, negotiate } from './registry.js';
async function render(registry, headers) {
    const format = negotiate(headers.accept);
    return { type: contentType(format), body: await registry.metrics(format) };
}
/** A node:http handler that answers every request with the registry's exposition (mount it on `/metrics`). */
export function metricsHandler(registry = defaultRegistry) {
    return (req, res) => {
        render(registry, req.headers).then(({ type, body }) => {
            res.writeHead(200, { 'content-type': type });
            res.end(body);
        }, (err) => {
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
            res.end(`metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`);
        });
    };
}
/** fastify plugin: `app.register(fastifyMetrics, { registry })` adds `GET /metrics`. */
export async function fastifyMetrics(app, options = {}) {
    const registry = options.registry ?? defaultRegistry;
    app.get(options.path ?? '/metrics', async (request, reply) => {
        const { type, body } = await render(registry, request.headers);
        reply.header('content-type', type);
        return body;
    });
}
//# sourceMappingURL=http.js.map
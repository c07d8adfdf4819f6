import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyMetricsOptions } from './options.js';
import { type Registry } from './registry.js';
/** A node:http handler that answers every request with the registry's exposition (mount it on `/metrics`). */
export declare function metricsHandler(registry?: Registry): (req: IncomingMessage, res: ServerResponse) => void;
/** The part of a fastify instance the plugin uses. */
export interface FastifyInstanceLike {
    get(path: string, handler: (request: {
        headers: IncomingHttpHeaders;
    }, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}
export interface FastifyReplyLike {
    header(name: string, value: string): unknown;
}
/** fastify plugin: `app.register(fastifyMetrics, { registry })` adds `GET /metrics`. */
export declare function fastifyMetrics(app: FastifyInstanceLike, options?: FastifyMetricsOptions): Promise<void>;

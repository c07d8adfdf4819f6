// /admin/*: cache and writer statistics and client registration, behind a
// bearer admin token compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientAuthenticator } from '../clients/authenticator.js';
import { clientSpec, InvalidClientSpecError } from '../clients/client.js';
import type { ClientStore } from '../storage/clientStore.js';

export interface AdminDeps {
  readonly token: string;
  readonly clients: ClientStore;
  readonly authenticator: ClientAuthenticator;
  readonly stats: () => Record<string, unknown>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function adminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const expected = digest(`Bearer ${deps.token}`);
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      // Hashing both sides gives equal lengths, so the comparison leaks nothing about the token.
      if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="admin"')
          .send({ error: 'unauthorized', error_description: 'send Authorization: Bearer <admin token>' });
      }
    });
    admin.get('/admin/cache/stats', async () => deps.stats());
    admin.get('/admin/clients', async () =>
      (await deps.clients.list()).map(({ secretHash: _hidden, ...client }) => client),
    );
    admin.put<{ Params: { id: string } }>('/admin/clients/:id', async (req, reply) => {
      let spec: ReturnType<typeof clientSpec>;
      try {
        spec = clientSpec({ ...(req.body as object), clientId: req.params.id }, 'body');
      } catch (error) {
        if (error instanceof InvalidClientSpecError)
          return reply.code(400).send({ error: 'invalid_client_metadata', error_description: error.message });
        throw error;
      }
      const { secretHash: _hidden, ...client } = await deps.clients.put(spec);
      await deps.authenticator.forget(spec.clientId);
      return client;
    });
    admin.delete<{ Params: { id: string } }>('/admin/clients/:id', async (req, reply) => {
      const removed = await deps.clients.remove(req.params.id);
      await deps.authenticator.forget(req.params.id);
      return reply.code(removed ? 204 : 404).send();
    });
  });
}

// The OAuth endpoints: token (RFC 6749 §4.4), introspection (RFC 7662) and
// revocation (RFC 7009). Every answer is JSON with `Cache-Control: no-store`;
// every error is an RFC 6749 §5.2 error object, never a bare 4xx/5xx.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientAuthenticator } from '../clients/authenticator.js';
import type { Client } from '../clients/client.js';
import { presentedCredentials } from '../oauth/clientCredentials.js';
import { invalidRequest, OAuthError } from '../oauth/errors.js';
import { FormParams, isForm } from '../oauth/form.js';
import { introspect, type Revoker, revoke, type TokenVerifier } from '../oauth/introspection.js';
import type { TokenIssuer } from '../oauth/tokenEndpoint.js';

export interface OAuthRouteDeps {
  readonly authenticator: ClientAuthenticator;
  readonly issuer: TokenIssuer;
  readonly verifier: () => TokenVerifier;
  readonly revoker: Revoker;
  /** Called before authenticating: throws 429 when this address failed too often. */
  readonly beforeAuth?: (req: FastifyRequest) => Promise<void>;
  /** Called when client authentication failed. */
  readonly onAuthFailure?: (req: FastifyRequest) => Promise<void>;
  /** Called once the client is known: throws 429 when it asks too often. */
  readonly onClient?: (client: Client, reply: FastifyReply) => Promise<void>;
  /** Told how each token request ended: `issued` or the OAuth error code, how long it took, and for whom. */
  readonly onTokenRequest?: (outcome: string, seconds: number, client: Client | undefined) => void;
}

/** Largest OAuth request body: a form of a few parameters, or one client assertion. */
export const MAX_FORM_BYTES = 16 * 1024;

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Registers the endpoints in their own scope: its body parser and error handler apply to them alone. */
export function oauthRoutes(app: FastifyInstance, deps: OAuthRouteDeps): void {
  app.register(async (scope) => oauthScope(scope, deps));
}

function oauthScope(app: FastifyInstance, deps: OAuthRouteDeps): void {
  // Every content type reaches the handlers as a string, so a wrong one gets an OAuth error, not fastify's 415.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_FORM_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  const form = (req: FastifyRequest): FormParams => {
    if (!isForm(req.headers['content-type'])) {
      throw invalidRequest('the body must be application/x-www-form-urlencoded');
    }
    return FormParams.parse(typeof req.body === 'string' ? req.body : '');
  };

  const authenticate = async (req: FastifyRequest, params: FormParams): Promise<Client> => {
    await deps.beforeAuth?.(req);
    try {
      return await deps.authenticator.authenticate(presentedCredentials(req.headers.authorization, params));
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_client') await deps.onAuthFailure?.(req);
      throw error;
    }
  };

  app.post('/oauth/token', async (req, reply) => {
    const started = performance.now();
    let client: Client | undefined;
    try {
      const params = form(req);
      client = await authenticate(req, params);
      await deps.onClient?.(client, reply);
      const body = await deps.issuer.issue(client, params);
      deps.onTokenRequest?.('issued', (performance.now() - started) / 1000, client);
      return reply.headers(NO_STORE).send(body);
    } catch (error) {
      deps.onTokenRequest?.(asOAuthError(error).error, (performance.now() - started) / 1000, client);
      throw error;
    }
  });

  app.post('/oauth/introspect', async (req, reply) => {
    const params = form(req);
    await authenticate(req, params);
    return reply.headers(NO_STORE).send(await introspect(deps.verifier(), params.get('token')));
  });

  app.post('/oauth/revoke', async (req, reply) => {
    const params = form(req);
    const client = await authenticate(req, params);
    const token = params.get('token');
    if (token === undefined) throw invalidRequest('token is missing');
    await revoke(deps.verifier(), deps.revoker, client, token);
    return reply.headers(NO_STORE).send({});
  });

  app.setErrorHandler((error, _req, reply) => {
    const oauth = asOAuthError(error);
    if (oauth.status >= 500) reply.log.error({ err: error }, 'request failed');
    return reply
      .code(oauth.status)
      .headers({ ...NO_STORE, ...oauth.headers })
      .send(oauth.body());
  });
}

/** Fastify's own errors (bad body, too large, …) as the OAuth error a client can act on. */
function asOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  const e = error as { statusCode?: number; code?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new OAuthError('invalid_request', `the request body is larger than ${MAX_FORM_BYTES} bytes`, 413);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return invalidRequest((error as Error).message);
  }
  return new OAuthError('server_error', 'the server failed to answer; retry', 500);
}

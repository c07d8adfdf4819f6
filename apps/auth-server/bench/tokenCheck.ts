// Before anything is measured, every server must answer the benchmark's exact
// request with 200 and a token that is what ours issues: an ES256 JWT with
// typ at+jwt, signed by a key of its JWKS, with the same claims. A server that
// answers anything else would be measured doing other work: fail loudly.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TokenRequest, TokenServer } from './tokenServers.js';

export async function checkIssuesTokens(server: TokenServer, request: TokenRequest): Promise<void> {
  const fail = (what: string): never => {
    throw new Error(
      `${server.name} does not issue the benchmark's token: ${what}\n--- its output:\n${server.output()}`,
    );
  };
  const res = await fetch(server.tokenUrl, { method: 'POST', headers: request.headers, body: request.body });
  const text = await res.text();
  if (res.status !== 200) fail(`POST ${server.tokenUrl} answered ${res.status}: ${text}`);
  let body: { access_token?: unknown; token_type?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return fail(`the answer is not JSON: ${text}`);
  }
  if (typeof body.access_token !== 'string') return fail(`no access_token in ${text}`);
  if (String(body.token_type).toLowerCase() !== 'bearer') fail(`token_type is ${String(body.token_type)}`);
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(server.jwksUrl)), {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: server.base,
      audience: request.audience,
      subject: request.clientId,
    });
  } catch (error) {
    return fail(`the token does not verify: ${(error as Error).message} (${body.access_token})`);
  }
  const claims = verified.payload;
  if (claims.client_id !== request.clientId) fail(`client_id is ${String(claims.client_id)}`);
  if (claims.scope !== request.scope) fail(`scope is ${String(claims.scope)}, expected ${request.scope}`);
  for (const claim of ['jti', 'iat', 'exp'] as const) if (claims[claim] === undefined) fail(`no ${claim} claim`);
}

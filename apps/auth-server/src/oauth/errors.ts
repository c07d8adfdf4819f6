// OAuth 2.0 error responses, exactly as RFC 6749 §5.2 (token endpoint), RFC
// 7009 §2.2.1 (revocation) and RFC 7662 §2.3 (introspection) spell them, plus
// `rate_limited` with 429 (RFC 6585), which OAuth does not name.

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'temporarily_unavailable'
  | 'rate_limited'
  | 'server_error';

/** An error the client is told about: `{ error, error_description }` with its HTTP status. */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  /** Extra response headers: `WWW-Authenticate` on 401, `Retry-After` on 429/503. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(error: OAuthErrorCode, description: string, status = 400, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
    this.headers = headers;
  }

  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/**
 * invalid_client (RFC 6749 §5.2): 401 with a `WWW-Authenticate` challenge for
 * the scheme the client tried, or Basic when it sent no credentials at all.
 */
export function invalidClient(description: string, scheme: 'Basic' | 'none' = 'Basic'): OAuthError {
  const headers: Record<string, string> =
    scheme === 'Basic' ? { 'www-authenticate': 'Basic realm="oauth", charset="UTF-8"' } : {};
  return new OAuthError('invalid_client', description, 401, headers);
}

export const invalidRequest = (description: string): OAuthError => new OAuthError('invalid_request', description);

// node:diagnostics_channel events. Publishers check `hasSubscribers` first, so
// an uninstrumented verifier pays one boolean test per event.
import { channel } from 'node:diagnostics_channel';

/** `{ reason, code, kid }` for every refused token. */
export const failureChannel = channel('perf:jwt-cache:failure');
/** `{ url, ok, status?, keys?, error? }` after every remote JWKS fetch. */
export const jwksFetchChannel = channel('perf:jwt-cache:jwks-fetch');
/** `{ kid, why }` for every JWKS key that was not imported. */
export const keyIgnoredChannel = channel('perf:jwt-cache:key-ignored');
/** `{ kind: 'jti' | 'subject' | 'kid', value }` for every revocation. */
export const revokeChannel = channel('perf:jwt-cache:revoke');
/** `{ kid, alg, why }` for every trusted key that stops vouching (`why`: a `KeyRemovalReason`). */
export const keyRemovedChannel = channel('perf:jwt-cache:key-removed');

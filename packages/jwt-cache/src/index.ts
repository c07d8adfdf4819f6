export type { Algorithm } from './algorithms.js';
export type { JwsHeader, JwtClaims } from './compactJws.js';
export {
  AlgorithmNotAllowedError,
  BadAudienceError,
  BadIssuerError,
  BadSignatureError,
  type FailureReason,
  InvalidOptionsError,
  JwtVerifyError,
  KeyFetchError,
  MalformedTokenError,
  MissingClaimError,
  SyncUnavailableError,
  TokenExpiredError,
  TokenNotYetValidError,
  TokenRevokedError,
  TokenTooLargeError,
  TokenTooOldError,
  UnknownKidError,
  VerifierClosedError,
} from './errors.js';
export type { KeyInput } from './importKey.js';
export type { KeyRemovalReason, StaticKey } from './keySet.js';
export {
  encodeRevocation,
  type PubSubRevocationOptions,
  type PubSubSubscriber,
  pubSubRevocationSource,
  type RevocationMessage,
} from './pubSubRevocation.js';
export { cacheControlMaxAge, type RemoteJwksOptions } from './remoteJwks.js';
export type { RevocationSink, RevocationSource } from './revocation.js';
export { createSigner, type Signer, type SignerOptions } from './signer.js';
export { createVerifier, type Verifier } from './verifier.js';
export type { CacheOptions, VerifierOptions, VerifierStats } from './verifierOptions.js';

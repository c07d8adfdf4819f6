export type { Algorithm } from './algorithms.js';
export {
  channelNames,
  type JwksFetchMessage,
  type JwtCacheChannelMessages,
  type KeyIgnoredMessage,
  type KeyRemovalReason,
  type KeyRemovedMessage,
  type RejectMessage,
  type RevokeMessage,
} from './channels.js';
export type { JwsHeader, JwtClaims } from './compactJws.js';
export {
  AlgorithmNotAllowedError,
  BadAudienceError,
  BadIssuerError,
  BadSignatureError,
  InvalidArgumentError,
  InvalidOptionError,
  JwtCacheError,
  type JwtCacheErrorCode,
  JwtVerifyError,
  type JwtVerifyErrorCode,
  KeyFetchError,
  MalformedTokenError,
  MissingClaimError,
  Redacted,
  type RejectReason,
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
export type {
  CacheOptions,
  PubSubRevocationOptions,
  PubSubSubscriber,
  RemoteJwksOptions,
  SignerOptions,
  StaticKey,
  VerifierOptions,
} from './options.js';
export { encodeRevocation, pubSubRevocationSource, type RevocationMessage } from './pubSubRevocation.js';
export { cacheControlMaxAge } from './remoteJwks.js';
export type { RevocationSink, RevocationSource } from './revocation.js';
export { createSigner, Signer } from './signer.js';
export { createVerifier, Verifier, type VerifierStats } from './verifier.js';

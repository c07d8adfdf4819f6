// A RevocationSource over a pub/sub channel (Redis PUBLISH/SUBSCRIBE): the auth
// server publishes one JSON message per revocation, every verifier applies it.
// The subscriber is typed by shape (ioredis's), so this package depends on no client.
import { type PubSubRevocationOptions, resolvePubSubRevocationOptions } from './options.js';
import type { RevocationSink, RevocationSource } from './revocation.js';

/**
 * One revocation as published: a token id (`untilMs`: ms since the epoch after
 * which it may be forgotten, e.g. its `exp` × 1000), a subject's tokens issued
 * before `issuedBefore` (a NumericDate, seconds, compared with `iat`), or a key id.
 */
export type RevocationMessage =
  | { readonly jti: string; readonly untilMs?: number }
  | { readonly sub: string; readonly issuedBefore: number }
  | { readonly kid: string };

/** The message to publish for a revocation. */
export function encodeRevocation(message: RevocationMessage): string {
  return JSON.stringify(message);
}

function apply(sink: RevocationSink, raw: string): boolean {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (typeof m !== 'object' || m === null) return false;
  if (typeof m.jti === 'string') {
    // (a message without untilMs, or with the `until` of before 0.1.0, revokes for good: never less than asked)
    if (m.untilMs !== undefined && typeof m.untilMs !== 'number') return false;
    sink.revoke(m.jti, m.untilMs ?? Number.POSITIVE_INFINITY);
    return true;
  }
  if (typeof m.sub === 'string' && typeof m.issuedBefore === 'number') {
    sink.revokeSubject(m.sub, m.issuedBefore);
    return true;
  }
  if (typeof m.kid === 'string') {
    sink.purgeKid(m.kid);
    return true;
  }
  return false;
}

/** A RevocationSource fed by the `channel` of a pub/sub subscriber; an invalid option throws `InvalidOptionError`. */
export function pubSubRevocationSource(options: PubSubRevocationOptions): RevocationSource {
  const { subscriber, channel, onInvalidMessage } = resolvePubSubRevocationOptions(options);
  return {
    async subscribe(sink) {
      const listener = (from: string, message: string) => {
        if (from === channel && !apply(sink, message)) onInvalidMessage?.(message);
      };
      subscriber.on('message', listener);
      try {
        await subscriber.subscribe(channel);
      } catch (error) {
        subscriber.off('message', listener);
        throw error;
      }
      return async () => {
        subscriber.off('message', listener);
        await subscriber.unsubscribe(channel);
      };
    },
  };
}

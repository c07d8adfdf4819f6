// A RevocationSource over a pub/sub channel (Redis PUBLISH/SUBSCRIBE): the auth
// server publishes one JSON message per revocation, every verifier applies it.
// The subscriber is typed by shape (ioredis's), so this package depends on no client.
import type { RevocationSink, RevocationSource } from './revocation.js';

/** One revocation as published: a token id, a subject cut-off, or a key id. */
export type RevocationMessage =
  | { readonly jti: string; readonly until?: number }
  | { readonly sub: string; readonly issuedBefore: number }
  | { readonly kid: string };

/** The part of a client in subscriber mode this source uses (an ioredis instance fits). */
export interface PubSubSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** Options of `pubSubRevocationSource`. */
export interface PubSubRevocationOptions {
  /** A connection dedicated to subscribing (Redis puts it in subscriber mode). */
  readonly subscriber: PubSubSubscriber;
  /** The channel the issuer publishes `encodeRevocation(...)` messages on. */
  readonly channel: string;
  /** Called with every message that is not a valid revocation (they are otherwise ignored). */
  readonly onInvalidMessage?: (message: string) => void;
}

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
    if (m.until !== undefined && typeof m.until !== 'number') return false;
    sink.revoke(m.jti, m.until ?? Number.POSITIVE_INFINITY);
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

/** A RevocationSource fed by the `channel` of a pub/sub subscriber. */
export function pubSubRevocationSource(options: PubSubRevocationOptions): RevocationSource {
  const { subscriber, channel, onInvalidMessage } = options;
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

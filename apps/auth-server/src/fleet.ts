// What several instances share through Redis (REDIS_URL): revocations, so a
// token revoked at one instance is refused by every other at once, and the
// client cache's second level, whose bus drops a changed client everywhere.
// Without REDIS_URL an instance is alone and none of this exists.
import { RedisTier } from '@perf/cache/redis';
import { encodeRevocation, pubSubRevocationSource, type RevocationSource } from '@perf/jwt-cache';
import { Redis } from 'ioredis';

export const REVOCATION_CHANNEL = 'auth-server:revocations';

export interface Fleet {
  readonly revocations: RevocationSource | undefined;
  readonly clientTier: RedisTier | undefined;
  /** Tells the other instances; resolves once Redis took it (or at once without Redis). */
  publishRevocation(jti: string, untilMs: number): Promise<void>;
  close(): Promise<void>;
}

export function joinFleet(redisUrl: string | undefined): Fleet {
  if (redisUrl === undefined) {
    return { revocations: undefined, clientTier: undefined, publishRevocation: async () => {}, close: async () => {} };
  }
  const options = { maxRetriesPerRequest: 1, retryStrategy: (n: number) => Math.min(n * 100, 2_000) };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, { ...options, maxRetriesPerRequest: null });
  // Connection errors are retried by ioredis; revocations missed meanwhile come from the database (see server.ts).
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  const clientTier = new RedisTier({ url: redisUrl, namespace: 'auth-server.clients' });
  return {
    revocations: pubSubRevocationSource({ subscriber, channel: REVOCATION_CHANNEL }),
    clientTier,
    async publishRevocation(jti, untilMs) {
      await publisher.publish(REVOCATION_CHANNEL, encodeRevocation({ jti, untilMs }));
    },
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

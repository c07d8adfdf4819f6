// What several instances share through Redis (REDIS_URL): the auth server's
// revocations, so a revoked token is refused at once, and the second level of
// the role and stats caches, whose bus drops a changed entry in every
// instance. Without REDIS_URL an instance is alone and none of this exists.
import { RedisTier } from '@perf/cache/redis';
import { pubSubRevocationSource, type RevocationSource } from '@perf/jwt-cache';
import { Redis } from 'ioredis';

export interface Fleet {
  readonly revocations: RevocationSource | undefined;
  readonly rolesTier: RedisTier | undefined;
  readonly statsTier: RedisTier | undefined;
  /** Closes the revocation subscriber (the tiers are closed by their caches). */
  close(): Promise<void>;
}

export function joinFleet(redisUrl: string | undefined, prefix: string, revocationChannel: string): Fleet {
  if (redisUrl === undefined) {
    return { revocations: undefined, rolesTier: undefined, statsTier: undefined, close: async () => {} };
  }
  const subscriber = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: (n: number) => Math.min(n * 100, 2_000),
  });
  // Connection errors are retried by ioredis (and the subscription renewed); see the README on missed revocations.
  subscriber.on('error', () => {});
  return {
    revocations: pubSubRevocationSource({ subscriber, channel: revocationChannel }),
    rolesTier: new RedisTier({ url: redisUrl, namespace: `${prefix}.roles` }),
    statsTier: new RedisTier({ url: redisUrl, namespace: `${prefix}.stats` }),
    async close() {
      subscriber.disconnect();
    },
  };
}

// Runs the rate-limit script on Redis: EVALSHA (the script's SHA-1 computed
// here), falling back to EVAL when the server answers NOSCRIPT (a restart or
// SCRIPT FLUSH emptied its cache; EVAL caches it again). One round trip per
// decision in the common case; concurrent calls share the connection, and
// ioredis' auto-pipelining writes those of one tick together.
import { createHash } from 'node:crypto';
import type { Algorithm } from './algorithm.js';
import type { RedisClientLike } from './options.js';
import { ALGORITHM_CODES, RATE_LIMIT_SCRIPT } from './redisScript.js';

const SHA = createHash('sha1').update(RATE_LIMIT_SCRIPT).digest('hex');

/** What the script answers, parsed. */
export interface ScriptReply {
  readonly allowed: boolean;
  /** Units taken (the cost, or more for a lease). */
  readonly granted: number;
  readonly remaining: number;
  readonly resetMs: number;
  readonly retryAfterMs: number;
  /** Ms until the key's current window ends (fixed and sliding windows), -1 for the buckets. */
  readonly windowLeftMs: number;
  /** The current window's start in Redis time, as the script wrote it ('' for the buckets): refunds name it. */
  readonly windowStart: string;
}

export type ScriptMode = 'c' | 'p' | 'r';

function parse(raw: unknown): ScriptReply {
  if (!Array.isArray(raw) || raw.length !== 7) {
    throw new TypeError(`unexpected reply from the rate-limit script: ${JSON.stringify(raw)}`);
  }
  return {
    allowed: raw[0] === 1,
    granted: Number(raw[1]),
    remaining: Number(raw[2]),
    resetMs: Number(raw[3]),
    retryAfterMs: Number(raw[4]),
    windowLeftMs: Number(raw[5]),
    windowStart: String(raw[6]),
  };
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

export class RedisStore {
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  readonly #head: (string | number)[];
  /** Commands sent (EVALSHA, and EVAL after a NOSCRIPT). */
  roundTrips = 0;

  constructor(client: RedisClientLike, prefix: string, algorithm: Algorithm) {
    this.#client = client;
    this.#prefix = prefix;
    this.#head = [ALGORITHM_CODES[algorithm.name], algorithm.limit, algorithm.windowMs, algorithm.capacity];
  }

  /** The Redis key of `key`: the hash tag keeps every key of one limited key in one Cluster slot. */
  redisKey(key: string): string {
    return `${this.#prefix}:{${key}}`;
  }

  /**
   * Runs the script for `key`. `now` pins the time instead of Redis' TIME
   * (tests only); `windowStart` names the window of a refund.
   */
  async run(
    key: string,
    cost: number,
    want: number,
    mode: ScriptMode,
    now = '',
    windowStart = '',
  ): Promise<ScriptReply> {
    const redisKey = this.redisKey(key);
    const args = [...this.#head, cost, want, mode, now, windowStart];
    this.roundTrips++;
    try {
      return parse(await this.#client.evalsha(SHA, 1, redisKey, ...args));
    } catch (error) {
      if (!isNoScript(error)) throw error;
      this.roundTrips++;
      return parse(await this.#client.eval(RATE_LIMIT_SCRIPT, 1, redisKey, ...args));
    }
  }
}

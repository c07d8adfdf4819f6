// Runs the rate-limit script on Redis: EVALSHA (the script's SHA-1 computed
// here), falling back to EVAL when the server answers NOSCRIPT (a restart or
// SCRIPT FLUSH emptied its cache; EVAL caches it again). The decisions asked
// for in one tick leave together: one script call per batch (per hash slot on
// a Redis Cluster), decided in order, so a burst costs a few round trips
// instead of one each.
import { createHash } from 'node:crypto';
import type { Algorithm } from './algorithm.js';
import { clusterSlot } from './clusterSlot.js';
import type { RedisClientLike } from './options.js';
import { rateLimitScript } from './redisScript.js';

/** What the script answers for one key, parsed. */
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

/** Most decisions in one script call: bounds how long one call holds Redis. */
const MAX_BATCH = 256;

interface Queued {
  readonly key: string;
  readonly cost: number;
  readonly want: number;
  readonly windowStart: string;
  readonly resolve: (reply: ScriptReply) => void;
  readonly reject: (error: unknown) => void;
}

function parse(raw: unknown, costs: readonly number[]): ScriptReply[] {
  const decisions = typeof raw === 'string' ? raw.split(';') : [];
  if (decisions.length !== costs.length) {
    throw new TypeError(`unexpected reply from the rate-limit script: ${JSON.stringify(raw)}`);
  }
  const out: ScriptReply[] = [];
  for (let i = 0; i < decisions.length; i++) {
    const f = decisions[i]!.split(',');
    const allowed = f[0] === '1';
    const long = f.length > 4;
    out.push({
      allowed,
      remaining: Number(f[1]),
      resetMs: Number(f[2]),
      retryAfterMs: Number(f[3]),
      granted: long ? Number(f[4]) : allowed ? costs[i]! : 0,
      windowLeftMs: long ? Number(f[5]) : -1,
      windowStart: long ? (f[6] ?? '') : '',
    });
  }
  return out;
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

export class RedisStore {
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  readonly #script: string;
  readonly #sha: string;
  /** An ioredis Cluster: batches must not mix hash slots. */
  readonly #cluster: boolean;
  #queue: Queued[] = [];
  /** Commands sent (EVALSHA, and EVAL after a NOSCRIPT). */
  roundTrips = 0;

  constructor(client: RedisClientLike, prefix: string, algorithm: Algorithm) {
    this.#client = client;
    this.#prefix = prefix;
    this.#script = rateLimitScript(algorithm);
    this.#sha = createHash('sha1').update(this.#script).digest('hex');
    this.#cluster = (client as { isCluster?: unknown }).isCluster === true;
  }

  /** The Redis key of `key`: the hash tag keeps every key of one limited key in one Cluster slot. */
  redisKey(key: string): string {
    return `${this.#prefix}:{${key}}`;
  }

  /** Consumes (takes up to `want` when `cost` fits) in the batch of this tick. */
  consume(key: string, cost: number, want: number): Promise<ScriptReply> {
    return new Promise((resolve, reject) => {
      if (this.#queue.push({ key, cost, want, windowStart: '', resolve, reject }) === 1) queueMicrotask(this.#flush);
    });
  }

  /**
   * Runs the script for `key` alone. `now` pins the time instead of Redis'
   * TIME (tests only); `windowStart` names the window of a refund.
   */
  async run(
    key: string,
    cost: number,
    want: number,
    mode: ScriptMode,
    now = '',
    windowStart = '',
  ): Promise<ScriptReply> {
    const [reply] = await this.#send([this.redisKey(key)], [cost], [mode, now, cost, want, windowStart]);
    return reply!;
  }

  readonly #flush = (): void => {
    const queue = this.#queue;
    this.#queue = [];
    if (!this.#cluster) {
      for (let i = 0; i < queue.length; i += MAX_BATCH) this.#dispatch(queue.slice(i, i + MAX_BATCH));
      return;
    }
    const bySlot = new Map<number, Queued[]>();
    for (const q of queue) {
      const slot = clusterSlot(this.redisKey(q.key));
      const group = bySlot.get(slot);
      if (group === undefined) bySlot.set(slot, [q]);
      else group.push(q);
    }
    for (const group of bySlot.values()) {
      for (let i = 0; i < group.length; i += MAX_BATCH) this.#dispatch(group.slice(i, i + MAX_BATCH));
    }
  };

  #dispatch(batch: Queued[]): void {
    const keys: string[] = [];
    const costs: number[] = [];
    const first = batch[0]!;
    let uniform = true;
    for (const q of batch) {
      keys.push(this.redisKey(q.key));
      costs.push(q.cost);
      if (q.cost !== first.cost || q.want !== first.want) uniform = false;
    }
    const args: (string | number)[] = ['c', ''];
    if (uniform) args.push(first.cost, first.want);
    else for (const q of batch) args.push(q.cost, q.want, q.windowStart);
    this.#send(keys, costs, args).then(
      (replies) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(replies[i]!);
      },
      (error: unknown) => {
        for (const q of batch) q.reject(error);
      },
    );
  }

  async #send(keys: string[], costs: number[], args: (string | number)[]): Promise<ScriptReply[]> {
    this.roundTrips++;
    try {
      return parse(await this.#client.evalsha(this.#sha, keys.length, ...keys, ...args), costs);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      this.roundTrips++;
      return parse(await this.#client.eval(this.#script, keys.length, ...keys, ...args), costs);
    }
  }
}

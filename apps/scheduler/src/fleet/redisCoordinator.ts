// The coordinator of a fleet sharing one Redis (REDIS_URL): each job's lock
// record is a hash (tick, fence, lease, holder, paused) changed only by Lua
// scripts, which Redis runs one at a time, with Redis's own clock for the
// lease. Paused jobs are also listed in a set for the job list. Pauses are
// written to this instance's database too; an instance that starts against a
// Redis that has never heard of a job brings its pause from there.
import { Redis } from 'ioredis';
import type { Claim, ClaimRequest, Coordinator, TickClaim } from './coordinator.js';

// KEYS: the job hashes. ARGV[1]: instance; then for each job: tick ('' = run-now), exclusive ('1'/'0'), lease ms.
// One call claims the ticks of every job due at once (see Coordinator.claimTicks).
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function claim(key, tick, exclusive, leaseMs)
  if tick ~= '' then
    if redis.call('HGET', key, 'paused') == '1' then return {'paused'} end
    local last = tonumber(redis.call('HGET', key, 'tick') or '-1')
    if tonumber(tick) <= last then return {'lost'} end
    redis.call('HSET', key, 'tick', tick)
  end
  if exclusive == '1' then
    local lease = tonumber(redis.call('HGET', key, 'lease') or '0')
    if lease > now then return {'busy', redis.call('HGET', key, 'holder') or ''} end
  end
  local fence = redis.call('HINCRBY', key, 'fence', 1)
  if exclusive == '1' then
    redis.call('HSET', key, 'lease', tostring(now + tonumber(leaseMs)), 'holder', ARGV[1])
  end
  return {'won', fence}
end
local out = {}
for i = 1, #KEYS do
  local a = 3 * i - 1
  out[i] = claim(KEYS[i], ARGV[a], ARGV[a + 1], ARGV[a + 2])
end
return out
`;

/** Jobs per claim script call: a call blocks Redis while it runs, so a very large tick is split. */
const CLAIMS_PER_CALL = 500;

// KEYS[1] job hash. ARGV: fence, lease ms ('0' releases).
const LEASE = `
if tonumber(redis.call('HGET', KEYS[1], 'fence') or '0') ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '0' then redis.call('HSET', KEYS[1], 'lease', '0') return 1 end
if tonumber(redis.call('HGET', KEYS[1], 'lease') or '0') == 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'lease', tostring(now + tonumber(ARGV[2])))
return 1
`;

// KEYS[1] job hash, KEYS[2] paused set. ARGV: job, '1'/'0', only-if-unknown ('1'/'0').
const PAUSE = `
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'paused', ARGV[2])
if ARGV[2] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
return 1
`;

type Scripted = Redis & {
  /** numberOfKeys, the keys, then the instance and three arguments per key. */
  schedClaim(...args: (string | number)[]): Promise<[string, (number | string)?][]>;
  schedLease(key: string, fence: string, leaseMs: string): Promise<number>;
  schedPause(key: string, set: string, job: string, paused: string, onlyIfUnknown: string): Promise<number>;
};

export interface RedisCoordinatorOptions {
  readonly url: string;
  readonly instance: string;
  /** Keys start with it: `<prefix>:job:<name>`. Default `scheduler`. */
  readonly prefix?: string;
  /** Jobs this instance's database knows as paused. */
  readonly pausedAtStart?: readonly string[];
  /** Keeps a pause in this instance's database too. */
  readonly persistPaused?: (job: string, paused: boolean) => Promise<void>;
}

export class RedisCoordinator implements Coordinator {
  readonly kind = 'redis' as const;
  readonly instance: string;
  readonly #redis: Scripted;
  readonly #prefix: string;
  readonly #persistPaused: RedisCoordinatorOptions['persistPaused'];

  private constructor(redis: Scripted, options: RedisCoordinatorOptions) {
    this.#redis = redis;
    this.instance = options.instance;
    this.#prefix = options.prefix ?? 'scheduler';
    this.#persistPaused = options.persistPaused;
  }

  /** Connects (failing at start, with Redis's reason, when it is unreachable) and seeds pauses Redis has not heard of. */
  static async connect(options: RedisCoordinatorOptions): Promise<RedisCoordinator> {
    const redis = new Redis(options.url, {
      maxRetriesPerRequest: 1,
      retryStrategy: (n: number) => Math.min(n * 100, 2_000),
      lazyConnect: true,
    }) as Scripted;
    // Connection errors are retried by ioredis; a claim that fails meanwhile skips its tick (and says so).
    redis.on('error', () => {});
    redis.defineCommand('schedClaim', { lua: CLAIM }); // the number of keys is the first argument
    redis.defineCommand('schedLease', { numberOfKeys: 1, lua: LEASE });
    redis.defineCommand('schedPause', { numberOfKeys: 2, lua: PAUSE });
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`cannot connect to Redis at REDIS_URL: ${(error as Error).message}`, { cause: error });
    }
    const c = new RedisCoordinator(redis, options);
    for (const job of options.pausedAtStart ?? []) {
      await redis.schedPause(c.#key(job), c.#pausedSet(), job, '1', '1');
    }
    return c;
  }

  #key(job: string): string {
    return `${this.#prefix}:job:${job}`;
  }

  #pausedSet(): string {
    return `${this.#prefix}:paused`;
  }

  async claim(job: string, request: ClaimRequest): Promise<Claim> {
    return (await this.#claims([{ ...request, job }]))[0] as Claim;
  }

  async claimTicks(requests: readonly TickClaim[]): Promise<Claim[]> {
    const calls: Promise<Claim[]>[] = [];
    for (let i = 0; i < requests.length; i += CLAIMS_PER_CALL) {
      calls.push(this.#claims(requests.slice(i, i + CLAIMS_PER_CALL)));
    }
    return (await Promise.all(calls)).flat();
  }

  async #claims(requests: readonly (ClaimRequest & { readonly job: string })[]): Promise<Claim[]> {
    const keys = requests.map((r) => this.#key(r.job));
    const args = requests.flatMap((r) => [
      r.tick === undefined ? '' : String(r.tick),
      r.exclusive ? '1' : '0',
      String(Math.ceil(r.leaseMs)),
    ]);
    const answers = await this.#redis.schedClaim(keys.length, ...keys, this.instance, ...args);
    return answers.map(([outcome, value]): Claim => {
      switch (outcome) {
        case 'won':
          return { outcome: 'won', fence: Number(value) };
        case 'busy':
          return { outcome: 'busy', holder: String(value ?? '') || 'another instance' };
        case 'lost':
        case 'paused':
          return { outcome };
        default:
          throw new Error(`unexpected answer from the claim script: ${outcome}`);
      }
    });
  }

  async renewLease(job: string, fence: number, leaseMs: number): Promise<boolean> {
    return (await this.#redis.schedLease(this.#key(job), String(fence), String(Math.max(1, Math.ceil(leaseMs))))) === 1;
  }

  async releaseLease(job: string, fence: number): Promise<void> {
    await this.#redis.schedLease(this.#key(job), String(fence), '0');
  }

  async setPaused(job: string, paused: boolean): Promise<void> {
    await this.#redis.schedPause(this.#key(job), this.#pausedSet(), job, paused ? '1' : '0', '0');
    await this.#persistPaused?.(job, paused);
  }

  async pausedJobs(): Promise<ReadonlySet<string>> {
    return new Set(await this.#redis.smembers(this.#pausedSet()));
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}

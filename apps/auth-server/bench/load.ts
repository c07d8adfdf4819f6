// One bounded load run with autocannon (programmatic API) against one server:
// a warm-up, then the measured run, counting the 2xx answers (tokens) per
// interval of its own and keeping every 2xx latency at the resolution autocannon
// measures it (its histogram rounds to whole milliseconds).
import { type LoadInterval, perOperationSamples } from '@perf/bench';
import autocannon from 'autocannon';
import type { TokenRequest } from './tokenServers.js';

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** The measurement interval: one throughput sample per interval. */
  readonly intervalMs: number;
}

export interface LoadRun {
  /** ns per token, one per interval (see perOperationSamples). */
  readonly nsPerToken: readonly number[];
  /** Latency of each 2xx answer, in ns. */
  readonly latenciesNs: readonly number[];
  /** 2xx answers per second over the whole measured run. */
  readonly tokensPerSecond: number;
  readonly tokens: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

function fire(
  url: string,
  request: TokenRequest,
  connections: number,
  seconds: number,
  watch?: (instance: autocannon.Instance) => void,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { ...request.headers },
        body: request.body,
        connections,
        duration: seconds,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    watch?.(instance);
  });
}

export async function loadTokens(url: string, request: TokenRequest, options: LoadOptions): Promise<LoadRun> {
  await fire(url, request, options.connections, options.warmupSeconds);
  const intervals: LoadInterval[] = [];
  const latenciesNs: number[] = [];
  let tokens = 0;
  let inInterval = 0;
  let last = 0n;
  let timer: NodeJS.Timeout | undefined;
  const result = await fire(url, request, options.connections, options.seconds, (instance) => {
    instance.on('start', () => {
      last = process.hrtime.bigint();
      timer = setInterval(() => {
        const now = process.hrtime.bigint();
        intervals.push({ ns: Number(now - last), operations: inInterval });
        last = now;
        inInterval = 0;
      }, options.intervalMs);
    });
    instance.on('response', (_client, status, _bytes, responseTimeMs) => {
      if (status < 200 || status > 299) return;
      tokens++;
      inInterval++;
      latenciesNs.push(responseTimeMs * 1e6);
    });
  });
  clearInterval(timer);
  // The last, partial interval (autocannon closing its connections) is left out.
  const measuredNs = intervals.reduce((sum, i) => sum + i.ns, 0);
  const countedTokens = intervals.reduce((sum, i) => sum + i.operations, 0);
  if (countedTokens === 0) {
    throw new Error(
      `${url} issued no token in ${options.seconds} s (${result.non2xx} non-2xx answers, ${result.errors} errors)`,
    );
  }
  return {
    nsPerToken: perOperationSamples(intervals),
    latenciesNs,
    tokensPerSecond: measuredNs > 0 ? (countedTokens * 1e9) / measuredNs : 0,
    tokens,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

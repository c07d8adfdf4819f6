// Outgoing HTTP for job-http runs and webhook notifications: one undici Agent
// (a keep-alive pool per origin) and one circuit breaker per target origin,
// so a target that keeps failing is not called again until it had time to
// recover, and a dead target never holds up the others. 4xx answers are the
// caller's fault and never open a circuit; 5xx, 408, 429, timeouts and
// network errors do.
import {
  BreakerOpenError,
  type BreakerState,
  CircuitBreaker,
  ConsecutiveFailures,
  exceptClientErrors,
} from '@perf/circuit-breaker';
import { Agent, request } from 'undici';

export interface HttpTargetsOptions {
  /** Consecutive failures that open a target's circuit. Default 5. */
  readonly failuresToOpen?: number;
  /** How long a circuit stays open before one trial call. Default 30 s. */
  readonly halfOpenAfterMs?: number;
  /** Calls in flight per target at most. Default 50. */
  readonly maxConcurrent?: number;
  /** Sockets per origin at most. Default 50. */
  readonly connectionsPerOrigin?: number;
  /** Idle keep-alive sockets are closed after this long. Default 30 s. */
  readonly keepAliveMs?: number;
  readonly now?: () => number;
}

/** An answer whose status says the target is unwell (5xx, 408, 429): counted by the breaker. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  readonly code = 'SCHEDULER_HTTP_STATUS';
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
}

export interface HttpCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
  /** Receives the response body as it arrives. */
  readonly onBody?: (chunk: Buffer) => void;
}

export class HttpTargets {
  readonly agent: Agent;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #options: HttpTargetsOptions;

  constructor(options: HttpTargetsOptions = {}) {
    this.#options = options;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 50,
      keepAliveTimeout: options.keepAliveMs ?? 30_000,
      keepAliveMaxTimeout: options.keepAliveMs ?? 30_000,
      connect: { timeout: 5_000 },
    });
  }

  /** The breaker of `url`'s origin (created on first use). */
  breaker(url: string): CircuitBreaker {
    const origin = new URL(url).origin;
    let b = this.#breakers.get(origin);
    if (b === undefined) {
      b = new CircuitBreaker({
        name: origin,
        strategy: new ConsecutiveFailures(this.#options.failuresToOpen ?? 5),
        halfOpenAfterMs: this.#options.halfOpenAfterMs ?? 30_000,
        maxConcurrent: this.#options.maxConcurrent ?? 50,
        isFailure: exceptClientErrors,
        ...(this.#options.now === undefined ? {} : { now: this.#options.now }),
      });
      this.#breakers.set(origin, b);
    }
    return b;
  }

  /** Every target's breaker state, by origin. */
  *states(): Iterable<readonly [string, BreakerState]> {
    for (const [origin, b] of this.#breakers) yield [origin, b.state];
  }

  /**
   * One request through the target's breaker; resolves with the status once the
   * body is read. Rejects with HttpStatusError for 5xx/408/429, BreakerOpenError
   * while the circuit is open, or the network error.
   */
  call(call: HttpCall): Promise<number> {
    return this.breaker(call.url).execute(async () => {
      const res = await request(call.url, {
        dispatcher: this.agent,
        method: call.method as 'GET',
        headers: call.headers,
        body: call.body ?? null,
        signal: call.signal,
      });
      for await (const chunk of res.body) call.onBody?.(chunk as Buffer);
      if (res.statusCode >= 500 || res.statusCode === 408 || res.statusCode === 429) {
        throw new HttpStatusError(res.statusCode, call.url);
      }
      return res.statusCode;
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#breakers.values()].map((b) => b.close()));
    await this.agent.close();
  }
}

/** A failed call in words: the circuit, the network or the status. */
export function describeHttpError(error: unknown, url: string): string {
  if (error instanceof BreakerOpenError) {
    const at =
      error.retryAt === undefined ? 'when a trial call succeeds' : `after ${new Date(error.retryAt).toISOString()}`;
    return `not called: the circuit for ${new URL(url).origin} is open after repeated failures; it is tried again ${at}`;
  }
  if (error instanceof HttpStatusError) return error.message;
  const e = error as { code?: string; cause?: { code?: string }; message?: string };
  const code = e.cause?.code ?? e.code;
  const origin = new URL(url).origin;
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${origin}: connection refused (is it listening?)`;
    case 'ENOTFOUND':
      return `cannot connect to ${origin}: the host name does not resolve`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `cannot connect to ${origin}: no answer to the connection within 5 s`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${origin} closed the connection before answering`;
    default:
      return `request to ${url} failed: ${e.message ?? String(error)}`;
  }
}

// Start and stop of an app: `/healthz` (the process answers), `/readyz` (it
// can serve: its dependencies answer and it is not draining), and a graceful
// shutdown on SIGTERM/SIGINT that stops taking requests, finishes the ones in
// flight, then closes what the app registered (writers drain last but one, the
// database last), in the reverse order of registration.
import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export interface Resource {
  readonly name: string;
  close(): Promise<unknown>;
}

export class Lifecycle {
  readonly #resources: Resource[] = [];
  readonly #checks: ReadinessCheck[] = [];
  #draining: Promise<void> | undefined;

  /** Closed on shutdown, after the server, in the reverse order of registration. */
  own(resource: Resource): void {
    this.#resources.push(resource);
  }

  /** Checked by `/readyz`. */
  requireReady(check: ReadinessCheck): void {
    this.#checks.push(check);
  }

  get draining(): boolean {
    return this.#draining !== undefined;
  }

  /** Adds `/healthz` and `/readyz` to the app. */
  routes(app: FastifyInstance, checkTimeoutMs = 1000): void {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_req, reply) => {
      if (this.draining) return reply.code(503).send({ status: 'draining' });
      const failures: Record<string, string> = {};
      await Promise.all(
        this.#checks.map(async (c) => {
          try {
            await withTimeout(c.check(), checkTimeoutMs);
          } catch (error) {
            failures[c.name] = (error as Error).message;
          }
        }),
      );
      if (Object.keys(failures).length > 0) return reply.code(503).send({ status: 'unavailable', failures });
      return { status: 'ready' };
    });
  }

  /** Stops the server (in-flight requests finish), then closes every owned resource. Idempotent. */
  shutdown(app: FastifyInstance): Promise<void> {
    this.#draining ??= (async () => {
      let started = performance.now();
      await app.close();
      app.log.info({ ms: Math.round(performance.now() - started) }, 'requests drained');
      for (const r of [...this.#resources].reverse()) {
        started = performance.now();
        try {
          await r.close();
          app.log.info({ resource: r.name, ms: Math.round(performance.now() - started) }, 'closed');
        } catch (error) {
          app.log.error({ err: error, resource: r.name }, 'closing failed');
        }
      }
    })();
    return this.#draining;
  }

  /** SIGTERM/SIGINT: shut down, then exit 0 (1 when closing threw or took longer than `timeoutMs`). */
  closeOnSignals(app: FastifyInstance, timeoutMs = 30_000): void {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, 'shutting down: draining requests, then closing resources');
      const timer = setTimeout(() => {
        app.log.error({ timeoutMs }, 'shutdown took too long; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      this.shutdown(app).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

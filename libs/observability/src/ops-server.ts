import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** A dependency a service needs: `check` throws when it is not usable. */
export interface DependencyCheck {
  name: string;
  check: () => Promise<unknown>;
}

/** How long a readiness check may take: probes time out after a few seconds and must get an answer first. */
export const CHECK_TIMEOUT_MS = 2_000;

/**
 * Runs every check (in parallel) and reports each one's outcome by name. A check that does not answer
 * within `timeoutMs` fails as such (a client that queues commands while Redis is down would otherwise hang
 * the probe); it is left to finish in the background.
 */
export async function runChecks(dependencies: DependencyCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport['checks']> {
  const checks: ReadinessReport['checks'] = {};
  await Promise.all(
    dependencies.map(async (dep) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const check = dep.check();
      check.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
      try {
        await Promise.race([check, timeout]);
        checks[dep.name] = { ok: true };
      } catch (err) {
        checks[dep.name] = { ok: false, detail: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return checks;
}

/** Seconds a client or probe should wait before asking again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness: () => Promise<ReadinessReport>;
}

/** `/healthz` (process alive), `/readyz` (dependencies usable) and `/metrics` for services that have no API. */
export async function startOpsServer(options: OpsServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz') return reply(200, JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') {
      const unready = (report: ReadinessReport) => {
        res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
        reply(503, JSON.stringify(report));
      };
      options.readiness().then(
        (report) => (report.ready ? reply(200, JSON.stringify(report)) : unready(report)),
        (err: Error) => unready({ ready: false, checks: { readiness: { ok: false, detail: err.message } } }),
      );
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => reply(200, text, options.registry.contentType),
        (err: Error) => reply(500, err.message, 'text/plain'),
      );
      return;
    }
    reply(404, JSON.stringify({ error: { code: 'not_found', message: `no route ${path}` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}

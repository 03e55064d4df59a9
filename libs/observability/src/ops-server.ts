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

/** Runs every check (in parallel) and reports each one's outcome by name. */
export async function runChecks(dependencies: DependencyCheck[]): Promise<ReadinessReport['checks']> {
  const checks: ReadinessReport['checks'] = {};
  await Promise.all(
    dependencies.map(async (dep) => {
      try {
        await dep.check();
        checks[dep.name] = { ok: true };
      } catch (err) {
        checks[dep.name] = { ok: false, detail: (err as Error).message };
      }
    }),
  );
  return checks;
}

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
      options.readiness().then(
        (report) => reply(report.ready ? 200 : 503, JSON.stringify(report)),
        (err: Error) => reply(503, JSON.stringify({ ready: false, checks: { readiness: { ok: false, detail: err.message } } })),
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

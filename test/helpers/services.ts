import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, serviceEnv, TEST_API_KEY } from './env.js';

export type ServiceName = 'ingest' | 'worker' | 'aggregator';

export interface RunningService {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a service's compiled entry point as its own process and waits for its /readyz (or /healthz). */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  waitFor: 'readyz' | 'healthz' = 'readyz',
): Promise<RunningService> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(`services/${name}/dist/main.js`)], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => logs.push(line));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${logs.join('\n')}`);
    const ok = await fetch(`${url}/${waitFor}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${name} not ${waitFor} in time:\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    url,
    child,
    logs,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function stackEnv(prefix: string, s3Endpoint: string, extra: Record<string, string> = {}) {
  return serviceEnv(prefix, s3Endpoint, { SUMMARY_INTERVAL_MS: '300', LOG_LEVEL: 'info', ...extra });
}

/**
 * Calls the ingest API with the test key: bytes go as octet-stream, strings as they are (raw JSON text),
 * anything else as JSON; `headers` add to or override the defaults. Returns status, parsed JSON and headers.
 */
export function apiClient(base: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: any; headers: Headers }> => {
    const isBytes = body instanceof Uint8Array;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : isBytes || typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

/** Polls until the run is closed (its final summary written) or the timeout passes. */
export async function waitForClosed(api: ReturnType<typeof apiClient>, runId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await api('GET', `/v1/runs/${runId}`);
    if (json.status === 'closed') return json;
    if (Date.now() > deadline) throw new Error(`run ${runId} not closed in time: ${JSON.stringify(json.counts)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, freePort, REDIS_URL, testPrefix } from '../helpers/env.js';

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** The launcher uses PORT, PORT+1 and PORT+2. */
async function portBase(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p < 65000 && (await isFree(p + 1)) && (await isFree(p + 2))) return p;
  }
}

interface Launch {
  child: ChildProcess;
  lines: string[];
  until(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

function launch(env: Record<string, string>): Launch {
  const child = spawn(process.execPath, ['services/standalone/dist/main.js'], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) createInterface({ input: s }).on('line', (l) => lines.push(l));
  return {
    child,
    lines,
    async until(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => pattern.test(l));
        if (hit) return hit;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`never saw ${pattern}:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
const dirs: string[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const p of prefixes) await dropPrefix(p);
});

describe('npm start (the local launcher)', () => {
  it('brings up the stack on embedded S3 with a generated key; the CLI uses it; SIGTERM stops everything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const prefix = testPrefix('standalone');
    prefixes.push(prefix);
    const port = await portBase();
    const app = launch({ ASSAY_DATA_DIR: dataDir, PORT: String(port), REDIS_URL, ASSAY_REDIS_PREFIX: prefix });
    await app.until(/Assay is up/);
    const key = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
    expect(app.lines.join('\n')).toContain(key); // printed once, on creation
    expect(await app.until(/Assay is up/)).toMatch(new RegExp(`"api":"http://127.0.0.1:${port}/v1"`));
    const { stdout } = await promisify(execFile)(process.execPath, ['cli/dist/main.js', 'eval', 'samples', '--run', 'standalone'], {
      env: { ...process.env, ASSAY_DATA_DIR: dataDir, PORT: String(port) },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/completed 6 · failed 0/);
    app.child.kill('SIGTERM');
    expect(await exitOf(app.child)).toBe(0);
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'up', () => 'down')).toBe('down');
  }, 120_000);

  it('starts a private redis-server when nothing answers at REDIS_URL, and stops it on exit', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const port = await portBase();
    const redisPort = await freePort();
    const app = launch({ ASSAY_DATA_DIR: dataDir, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    expect(await app.until(/started a private redis-server/)).toContain(`redis://127.0.0.1:${redisPort}`);
    await app.until(/Assay is up/);
    app.child.kill('SIGTERM');
    expect(await exitOf(app.child)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await isFree(redisPort)).toBe(true);
  }, 120_000);

  it('without Redis and without redis-server, exits with a message on how to get Redis', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const app = launch({ ASSAY_DATA_DIR: dataDir, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PATH: '/nonexistent' });
    expect(await exitOf(app.child)).toBe(1);
    expect(app.lines.join('\n')).toMatch(/redis-server is not on PATH.*apt-get install redis-server/);
  });

  it('a bad configuration stops a service with the variable named', async () => {
    const { stderr, code } = await promisify(execFile)(process.execPath, ['services/ingest/dist/main.js'], { env: { ...process.env, PORT: 'eighty' } }).then(
      () => ({ stderr: '', code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    expect(code).toBe(78);
    expect(stderr).toMatch(/assay ingest: invalid configuration:\n {2}- PORT: /);
  });

  it('a service without S3_ENDPOINT refuses to start: the embedded store is the launcher\'s', async () => {
    const env = { ...process.env };
    delete env.S3_ENDPOINT;
    const { stderr, code } = await promisify(execFile)(process.execPath, ['services/worker/dist/main.js'], { env }).then(
      () => ({ stderr: '', code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    expect(code).toBe(78);
    expect(stderr).toMatch(/S3_ENDPOINT: required here; the embedded S3 store runs only under `npm start`/);
  });
});

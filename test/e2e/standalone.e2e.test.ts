import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, freePort, REDIS_URL, testPrefix } from '../helpers/env.js';
import { photo, stillClip } from '../helpers/media.js';

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
  const child = spawn(process.execPath, ['services/standalone/dist/main.js'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) createInterface({ input: s }).on('line', (l) => lines.push(l));
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

/** Every process below `root` (pid, command), from `ps`. */
function descendants(root: number): { pid: number; comm: string }[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm=']).toString().trim().split('\n');
  const all = rows.map((r) => r.trim().split(/\s+/)).map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
  const out: { pid: number; comm: string }[] = [];
  const walk = (parent: number) => {
    for (const p of all.filter((x) => x.ppid === parent)) {
      out.push({ pid: p.pid, comm: p.comm });
      walk(p.pid);
    }
  };
  walk(root);
  return out;
}

/** Processes of `pids` that still exist (zombies included), after waiting up to `timeoutMs` for them to go. */
async function survivors(pids: { pid: number; comm: string }[], timeoutMs: number): Promise<string[]> {
  const alive = () => pids.filter(({ pid }) => existsSync(`/proc/${pid}`)).map(({ pid, comm }) => `${pid} ${comm}`);
  const deadline = Date.now() + timeoutMs;
  while (alive().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return alive();
}

/**
 * Scores a minute of 720p through the launcher's API until ffmpeg is decoding it (the worker's grace period
 * is 25 s); returns every process below the launcher at that moment.
 */
async function decodingVideo(app: Launch, dataDir: string, port: number): Promise<{ pid: number; comm: string }[]> {
  const clip = stillClip(join(dataDir, 'slow.mp4'), { image: photo('baboon.jpg'), seconds: 60, width: 1280, height: 720 });
  const key = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
  const call = (method: string, path: string, body: unknown) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': body instanceof Uint8Array ? 'video/mp4' : 'application/json' },
      body: body instanceof Uint8Array ? body : JSON.stringify(body),
    }).then((r) => r.json());
  const run = await call('POST', '/v1/runs', { name: 'signals', suite: 'video-default' });
  await call('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'slow.mp4', modality: 'video' }] });
  await call('PUT', `/v1/runs/${run.id}/assets/slow.mp4/content`, new Uint8Array(readFileSync(clip)));
  for (let i = 0; i < 600 && !descendants(app.child.pid!).some((p) => p.comm === 'ffmpeg'); i++)
    await new Promise((r) => setTimeout(r, 50));
  const tree = descendants(app.child.pid!);
  // three services, the tether, redis-server and the decoding ffmpeg
  expect(tree.map((p) => p.comm)).toEqual(expect.arrayContaining(['node', 'redis-server', 'ffmpeg']));
  return tree;
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
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
      // the launcher's fallbacks (PORT, ASSAY_DATA_DIR/api-key) come after a user's config file: there is none in dataDir
      env: { ...process.env, ASSAY_DATA_DIR: dataDir, PORT: String(port), XDG_CONFIG_HOME: dataDir },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/completed 6 · failed 0/);
    app.child.kill('SIGTERM');
    expect(await exitOf(app.child)).toBe(0);
    expect(
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');
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

  it('a second Ctrl-C mid-decode stops the worker and its ffmpeg at once; the launcher still exits only after every child', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const port = await portBase();
    const redisPort = await freePort();
    const app = launch({ ASSAY_DATA_DIR: dataDir, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    await app.until(/Assay is up/);
    const started = await decodingVideo(app, dataDir, port);
    const signalled = Date.now();
    app.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    app.child.kill('SIGINT');
    await exitOf(app.child);
    expect(Date.now() - signalled).toBeLessThan(15_000); // not the 25 s grace
    // the launcher exits last: nothing it started is left, not even for a moment
    expect(await survivors(started, 0)).toEqual([]);
    expect(await isFree(redisPort)).toBe(true);
    expect(app.lines.join('\n')).toMatch(/second signal: the services stop now/);
  }, 120_000);

  it('a SIGKILLed launcher leaves no child: the services and the private redis-server stop on their own', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const port = await portBase();
    const redisPort = await freePort();
    const app = launch({
      ASSAY_DATA_DIR: dataDir,
      PORT: String(port),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      WORKER_SHUTDOWN_GRACE_MS: '2000',
    });
    await app.until(/Assay is up/);
    const started = await decodingVideo(app, dataDir, port);
    app.child.kill('SIGKILL');
    await exitOf(app.child);
    expect(await survivors(started, 15_000)).toEqual([]);
    expect(await isFree(redisPort)).toBe(true);
    expect(
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');
  }, 120_000);

  it('without Redis and without redis-server, exits with a message on how to get Redis', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const app = launch({ ASSAY_DATA_DIR: dataDir, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PATH: '/nonexistent' });
    expect(await exitOf(app.child)).toBe(1);
    expect(app.lines.join('\n')).toMatch(/redis-server is not on PATH.*apt-get install redis-server/);
  });

  it('a bad configuration stops a service with the variable named', async () => {
    const { stderr, code } = await promisify(execFile)(process.execPath, ['services/ingest/dist/main.js'], {
      env: { ...process.env, PORT: 'eighty' },
    }).then(
      () => ({ stderr: '', code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    expect(code).toBe(78);
    expect(stderr).toMatch(/assay ingest: invalid configuration:\n {2}- PORT: /);
  });

  it("a service without S3_ENDPOINT refuses to start: the embedded store is the launcher's", async () => {
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

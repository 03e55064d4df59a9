import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, freePort, startTestS3, TEST_API_KEY, testPrefix, type TestS3 } from '../../test/helpers/env.js';
import { stackEnv, startService, type RunningService } from '../../test/helpers/services.js';
import { isolatedEnv } from './helpers.js';

// The CLI as a user runs it (its own process, real exit codes) against the real services: ingest, a worker
// and the aggregator on real Redis and the S3 API; one more ingest without workers for the timeout.
const prefix = testPrefix('cli');
const idlePrefix = testPrefix('cli-idle');
const root = mkdtempSync(join(tmpdir(), 'assay-cli-eval-'));
let s3: TestS3;
const services: RunningService[] = [];
let ingest: RunningService;
let idleIngest: RunningService;

beforeAll(async () => {
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint, { LOG_LEVEL: 'warn' });
  services.push(await startService('aggregator', env), await startService('worker', env));
  ingest = await startService('ingest', env);
  idleIngest = await startService('ingest', stackEnv(idlePrefix, s3.s3.endpoint, { LOG_LEVEL: 'warn' }));
  services.push(ingest, idleIngest);
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3.close();
  await dropPrefix(prefix);
  await dropPrefix(idlePrefix);
  rmSync(root, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `assay eval …` with the service and key from the environment, as a pipeline would set them. */
function assayEval(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['cli/bin/assay.js', 'eval', ...args],
      { env: isolatedEnv({ HOME: root, ASSAY_URL: ingest.url, ASSAY_API_KEY: TEST_API_KEY, ...env }), timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

let n = 0;
/** A folder of files: a real photograph, a text file named .png (fails decoding), an empty .png (refused on upload), … */
function folder(files: Record<string, 'photo' | 'text' | 'empty'>): string {
  const dir = join(root, `f${n++}`);
  mkdirSync(dir);
  for (const [name, kind] of Object.entries(files)) {
    if (kind === 'photo') copyFileSync('samples/sharp.jpg', join(dir, name));
    else writeFileSync(join(dir, name), kind === 'text' ? 'this is a text file, not a PNG\n' : '');
  }
  return dir;
}

describe('assay eval against the real service', () => {
  it('some assets failed: exit 1; the summary on stdout; skipped files, failed assets and their reasons on stderr', async () => {
    const dir = folder({ 'good.jpg': 'photo', 'broken.png': 'text', 'empty.png': 'empty', 'notes.txt': 'text', '.hidden.png': 'photo' });
    const r = await assayEval([dir, '--run', 'cli-some-failed']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Run cli-some-failed \(run_\w+\), suite image-default: closed, final$/m);
    expect(r.stdout).toMatch(/submitted 3 · awaitingContent 0 · pending 0 · completed 1 · failed 2 · duplicates 0/);
    expect(r.stderr).toContain('skipped 1 file with other extensions (not image, video, audio or 3D): notes.txt\n');
    expect(r.stderr).toContain('skipped 1 hidden file or folder: .hidden.png\n');
    expect(r.stderr).toMatch(
      /^failed assets:\n {2}broken\.png {2}decode_error: .+\n {2}empty\.png {3}upload refused: empty_content \(400\): .+$/m,
    );
    expect(r.stderr).toMatch(/assay eval: 2 of 3 assets failed \(exit 1; --allow-failures exits 0\)\n$/);
  });

  it('--allow-failures exits 0 with the same report; --json prints the summary as JSON', async () => {
    const dir = folder({ 'good.jpg': 'photo', 'broken.png': 'text' });
    const r = await assayEval([dir, '--allow-failures', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'closed', final: true, counts: { completed: 1, failed: 1 } });
    expect(r.stderr).toMatch(/failed assets:\n {2}broken\.png {2}decode_error: /);
    expect(r.stderr).not.toContain('exit 1');
  });

  it('every asset failed: exit 1', async () => {
    const r = await assayEval([folder({ 'a.png': 'text', 'b.png': 'empty' })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/completed 0 · failed 2/);
    expect(r.stderr).toMatch(/assay eval: 2 of 2 assets failed/);
  });

  it('every asset scored: exit 0, nothing about failures; prompt lines for no file are named; URL and key from the config file', async () => {
    const home = join(root, 'config-home');
    mkdirSync(join(home, '.config', 'assay'), { recursive: true });
    writeFileSync(join(home, '.config', 'assay', 'config.json'), JSON.stringify({ url: `${ingest.url}/v1`, apiKey: TEST_API_KEY }));
    const prompts = join(root, 'prompts.jsonl');
    writeFileSync(prompts, ['{"file": "a.jpg", "prompt": "fruit"}', '{"file": "gone.jpg", "prompt": "fruit"}', ''].join('\n'));
    const r = await assayEval([folder({ 'a.jpg': 'photo', 'b.jpg': 'photo' }), '--prompt-file', prompts], {
      HOME: home,
      ASSAY_URL: '',
      ASSAY_API_KEY: '',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/completed 2 · failed 0/);
    expect(r.stderr).not.toMatch(/failed|skipped/);
    expect(r.stderr).toContain(`${prompts}: 1 line(s) name no file evaluated here: gone.jpg\n`);
  });

  it('the service refuses the request or cannot be reached: exit 3 with the reason', async () => {
    const dir = folder({ 'a.jpg': 'photo' });
    const wrongKey = await assayEval([dir], { ASSAY_API_KEY: 'not-the-key-0123456789' });
    expect(wrongKey).toMatchObject({ code: 3, stdout: '', stderr: 'assay eval: invalid_api_key (403): the API key is not valid\n' });
    const suite = await assayEval([dir, '--suite', 'no-such-suite']);
    expect(suite.code).toBe(3);
    expect(suite.stderr).toMatch(/^assay eval: unknown_suite \(400\): .*no-such-suite/m);
    const port = await freePort();
    const down = await assayEval([dir], { ASSAY_URL: `http://127.0.0.1:${port}` });
    expect(down).toMatchObject({
      code: 3,
      stderr: `assay eval: cannot reach Assay at http://127.0.0.1:${port} (ECONNREFUSED); is it running? (npm start, or set ASSAY_URL)\n`,
    });
  });

  it('no scores within --timeout: exit 4, and the message says the run goes on', async () => {
    const r = await assayEval([folder({ 'a.jpg': 'photo' }), '--timeout', '1.5'], { ASSAY_URL: idleIngest.url });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /assay eval: gave up waiting after 1\.5 s with 0 of 1 assets scored; the run goes on: GET \/v1\/runs\/run_\w+\n$/,
    );
  });
});

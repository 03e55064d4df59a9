import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signHook, TIMESTAMP_HEADER, type ComparisonView, type VerdictDelivery } from '@assay/contracts';
import { isolatedEnv } from '../../cli/test/helpers.js';
import { dropPrefix, OPENCV_DATA, startTestS3, TEST_API_KEY, testPrefix, type TestS3 } from '../helpers/env.js';
import { apiClient, stackEnv, startService, type RunningService } from '../helpers/services.js';

/**
 * A release pipeline's use of comparisons, end to end on real photographs (opencv-doc): ingest, a worker and
 * the aggregator on real Redis and the S3 API; runs made with `assay eval`, judged with `assay compare` under
 * a policy from POLICIES_DIR, each exit code checked, the verdict webhook received and its signature checked.
 *
 * Candidates: the same photos re-encoded (JPEG q95: GO or INCONCLUSIVE, never NO_GO), blurred and
 * compressed (NO_GO on sharpness), the same photos reported 60 % slower (NO_GO on latency), and one slice
 * blurred (NO_GO on fairness).
 */
const prefix = testPrefix('compare');
const root = mkdtempSync(join(tmpdir(), 'assay-compare-e2e-'));
const PHOTOS = readdirSync(OPENCV_DATA)
  .filter((f) => /\.(jpg|png)$/.test(f))
  .sort()
  .slice(0, 48);
const HOOK_SECRET = 'verdict-secret-0123456789';
let s3: TestS3;
let ingest: RunningService;
const services: RunningService[] = [];
let hook: Server;
const deliveries: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];

const SUITE = `name: e2e-compare
description: sharpness with a threshold, blockiness and exposure, for the comparison end-to-end test
modality: image
metrics:
  - metric: resolution
  - metric: sharpness
    thresholds:
      laplacian_variance: { min: 150 }
  - metric: blockiness
  - metric: exposure
`;
const POLICY = `name: e2e-launch
description: the comparison end-to-end test's gate
modality: image
minAssets: 30
slices: [skinTone]
sliceMinN: 10
criteria:
  - type: non_inferiority
    score: sharpness.laplacian_variance
    relativeMargin: 0.2
  - type: non_inferiority
    passRate: assets
    margin: 0.1
  - type: latency
    source: generation
    quantile: 0.95
    maxIncrease: 0.25
    optional: true
  - type: fairness
    slice: skinTone
    minRatio: 0.8
    optional: true
  - type: completeness
    maxFailedShare: 0.02
`;

beforeAll(async () => {
  s3 = await startTestS3();
  mkdirSync(join(root, 'suites'));
  mkdirSync(join(root, 'policies'));
  writeFileSync(join(root, 'suites', 'e2e-compare.yaml'), SUITE);
  writeFileSync(join(root, 'policies', 'e2e-launch.yaml'), POLICY);
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const env = stackEnv(prefix, s3.s3.endpoint, {
    LOG_LEVEL: 'warn',
    SUITES_DIR: join(root, 'suites'),
    POLICIES_DIR: join(root, 'policies'),
    COMPARISON_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as { port: number }).port}/verdicts`,
    COMPARISON_WEBHOOK_SECRET: HOOK_SECRET,
    COMPARISON_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  });
  services.push(await startService('aggregator', env), await startService('worker', env));
  ingest = await startService('ingest', env);
  services.push(ingest);
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await new Promise((r) => hook?.close(r));
  await s3?.close();
  await dropPrefix(prefix);
  rmSync(root, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function assay(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['cli/bin/assay.js', ...args],
      { env: isolatedEnv({ HOME: root, ASSAY_URL: ingest.url, ASSAY_API_KEY: TEST_API_KEY }), timeout: 170_000, maxBuffer: 1 << 26 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

type Variant = (img: sharp.Sharp, i: number) => sharp.Sharp;
const slice = (i: number) => (i % 2 ? 'dark' : 'light');

/**
 * A model version's outputs: every photo at 320 px through `variant`, with a prompt file giving each its
 * prompt id (the pairing key), a skin-tone slice and a generation latency; then `assay eval`.
 */
async function evalRun(name: string, variant: Variant, latencyFactor = 1): Promise<string> {
  const r = await evalFiles(name, variant, latencyFactor);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

/** `evalRun` with more `assay eval` options, giving the exit code and output as they come. */
async function evalFiles(name: string, variant: Variant, latencyFactor: number, extra: string[] = []): Promise<Outcome> {
  const dir = join(root, name);
  mkdirSync(dir);
  const lines: string[] = [];
  for (const [i, photo] of PHOTOS.entries()) {
    const file = `${String(i).padStart(2, '0')}.png`;
    const base = sharp(join(OPENCV_DATA, photo)).resize(320, 320, { fit: 'inside' }).removeAlpha();
    await variant(base, i).png().toFile(join(dir, file));
    const latency = Math.round((700 + 25 * ((i * 7) % 13)) * latencyFactor);
    lines.push(
      JSON.stringify({ file, prompt: `photo ${photo}`, attributes: { promptId: photo, skinTone: slice(i), generationLatencyMs: latency } }),
    );
  }
  const prompts = join(root, `${name}.jsonl`);
  writeFileSync(prompts, `${lines.join('\n')}\n`);
  return assay([
    'eval',
    dir,
    '--run',
    name,
    '--model-version',
    name,
    '--suite',
    'e2e-compare',
    '--prompt-file',
    prompts,
    '--json',
    ...extra,
  ]);
}

const blurred: Variant = (img) => img.blur(2.5);
const unfair: Variant = (img, i) => (slice(i) === 'dark' ? img.blur(3) : img);

async function compare(baseline: string, candidate: string, extra: string[] = []) {
  const report = join(root, `${candidate}.html`);
  const r = await assay([
    'compare',
    baseline,
    candidate,
    '--policy',
    'e2e-launch',
    '--json',
    '--report',
    report,
    '--resamples',
    '2000',
    ...extra,
  ]);
  const view = r.stdout ? (JSON.parse(r.stdout) as ComparisonView) : undefined;
  return { ...r, view, report };
}

const failedCriteria = (view: ComparisonView | undefined) =>
  view!.result!.verdict.criteria.filter((c) => c.outcome === 'fail').map((c) => c.id);

describe('comparisons end to end', () => {
  let baseline: string;
  beforeAll(async () => {
    baseline = await evalRun('baseline', (img) => img);
  }, 180_000);

  it('a re-encoded candidate is not NO_GO; the report and the verdict webhook say the same', async () => {
    await evalRun('reencoded', (img) => img.jpeg({ quality: 95 }));
    const r = await compare('baseline', 'reencoded');
    expect([0, 5], r.stderr).toContain(r.code);
    expect(r.view!.status).toBe('done');
    const result = r.view!.result!;
    expect(result.verdict.outcome).toBe(r.code === 0 ? 'GO' : 'INCONCLUSIVE');
    expect(failedCriteria(r.view)).toEqual([]);
    expect(result.pairing).toMatchObject({ key: 'prompt_id', pairs: PHOTOS.length, paired: true });
    expect(result.baseline.runId).toBe(baseline);
    const html = readFileSync(r.report, 'utf8');
    expect(html).toContain(`data-verdict="${result.verdict.outcome}"`);

    // the verdict was POSTed, signed over the exact body
    const until = Date.now() + 20_000;
    while (!deliveries.some((d) => d.body.includes(result.id)) && Date.now() < until) await new Promise((res) => setTimeout(res, 200));
    const delivery = deliveries.find((d) => d.body.includes(result.id))!;
    expect(delivery).toBeDefined();
    const body = JSON.parse(delivery.body) as VerdictDelivery;
    expect(body).toMatchObject({
      event: 'comparison.done',
      comparisonId: result.id,
      verdict: result.verdict.outcome,
      policy: 'e2e-launch',
    });
    expect(delivery.headers[SIGNATURE_HEADER]).toBe(signHook(HOOK_SECRET, String(delivery.headers[TIMESTAMP_HEADER]), delivery.body));
  }, 180_000);

  it('a blurred candidate is NO_GO on sharpness and pass rate: exit 1', async () => {
    await evalRun('blurred', blurred);
    const r = await compare('baseline', 'blurred');
    expect(r.code, r.stderr).toBe(1);
    expect(r.view!.result!.verdict.outcome).toBe('NO_GO');
    expect(failedCriteria(r.view)).toEqual(expect.arrayContaining(['non-inferiority-sharpness-laplacian-variance']));
    const sharpness = r.view!.result!.scores.find((s) => s.score === 'sharpness.laplacian_variance')!;
    expect(sharpness.reading).toBe('worse');
    // the text output names the failing criterion first
    const text = await assay(['compare', 'baseline', 'blurred', '--policy', 'e2e-launch', '--resamples', '2000']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^NO_GO {2}policy e2e-launch/);
    expect(text.stdout).toMatch(/criteria:\n {2}FAIL/);
  }, 180_000);

  it('the same photos reported 60 % slower are NO_GO on generation latency (assay eval --compare-to)', async () => {
    const r = await evalFiles('slower', (img) => img, 1.6, ['--compare-to', 'baseline', '--policy', 'e2e-launch', '--resamples', '2000']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: { runId: string; counts: { completed: number } }; comparison: ComparisonView };
    expect(out.summary.counts.completed).toBe(PHOTOS.length);
    expect(out.comparison.result!.candidate.runId).toBe(out.summary.runId);
    expect(failedCriteria(out.comparison)).toEqual(['latency-generation-p95']);
    const p95 = out.comparison.result!.latency.find((l) => l.source === 'generation')!.quantiles.find((q) => q.q === 0.95)!;
    expect(p95.ratio.value).toBeCloseTo(1.6, 1);
  }, 180_000);

  it('a candidate worse on one slice only is NO_GO on fairness', async () => {
    await evalRun('unfair', unfair);
    const r = await compare('baseline', 'unfair');
    expect(r.code, r.stderr).toBe(1);
    expect(failedCriteria(r.view)).toContain('fairness-skintone');
    const skin = r.view!.result!.slices.find((s) => s.key === 'skinTone')!;
    expect(skin.disparity!.lowest.value).toBe('dark');
  }, 180_000);

  it('refuses what cannot be compared with typed errors and CLI exit codes', async () => {
    const api = apiClient(ingest.url);
    const open = await api('POST', '/v1/runs', { name: 'still-open', suite: 'e2e-compare', modelVersion: 'x' });
    const notClosed = await api('POST', '/v1/comparisons', { baselineRunId: baseline, candidateRunId: open.json.id });
    expect(notClosed.status).toBe(409);
    expect(notClosed.json.error.code).toBe('run_not_closed');
    const same = await assay(['compare', 'baseline', 'baseline']);
    expect(same.code).toBe(3);
    expect(same.stderr).toMatch(/runs_not_comparable/);
    const policy = await assay(['compare', 'baseline', 'blurred', '--policy', 'no-such-policy']);
    expect(policy.code).toBe(3);
    expect(policy.stderr).toMatch(/unknown_policy/);
    const usage = await assay(['compare', 'baseline']);
    expect(usage.code).toBe(2);
    const missing = await assay(['compare', 'baseline', 'no-run-by-this-name']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no closed run named 'no-run-by-this-name'/);
  }, 60_000);

  it('the closed runs got their run-level metrics, and the verdicts are on /metrics for Grafana', async () => {
    const api = apiClient(ingest.url);
    const until = Date.now() + 30_000;
    let view = await api('GET', `/v1/runs/${baseline}/run-metrics`);
    while (view.json.status !== 'done' && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 300));
      view = await api('GET', `/v1/runs/${baseline}/run-metrics`);
    }
    expect(view.status).toBe(200);
    expect(view.json.status).toBe('done');
    expect(view.json.report.records).toBe(PHOTOS.length);
    expect(view.json.report.metrics.map((m: { name: string }) => m.name)).toContain('score_intervals');
    const aggregator = services[0];
    const metrics = await (await fetch(`${aggregator.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^assay_gate_verdict\{policy="e2e-launch",baseline_model_version="baseline",candidate_model_version="blurred",component="aggregator"\} 0$/m,
    );
    expect(metrics).toMatch(/^assay_comparisons_total\{outcome="NO_GO",component="aggregator"\} [3-9]$/m);
    expect(metrics).toMatch(/^assay_verdict_deliveries_total\{outcome="delivered",component="aggregator"\} [1-9]/m);
  }, 60_000);
});

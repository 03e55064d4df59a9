import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  queuePrefix,
  SIGNATURE_HEADER,
  signHook,
  SweepObjects,
  TIMESTAMP_HEADER,
  type SweepOutcome,
  type SweepRunRecord,
  type VerdictDelivery,
} from '@assay/contracts';
import { isolatedEnv } from '../../cli/test/helpers.js';
import { promtool } from '../deploy/tools.js';
import { dropPrefix, OPENCV_DATA, REDIS_URL, startTestS3, TEST_API_KEY, testPrefix, type TestS3 } from '../helpers/env.js';
import { apiClient, stackEnv, startService, type RunningService } from '../helpers/services.js';

/**
 * Nightly sweeps end to end on real Redis, the S3 API and real photographs (opencv-doc): two aggregator
 * replicas share one fast schedule (every 2 s); sweeps triggered by date read a manifest from S3, score it
 * through a worker, compare with the previous successful night under a policy and publish the verdict to S3 and
 * the gauges. Failure modes: a missing manifest, a line pointing at a missing object, and both aggregators
 * killed mid-sweep.
 */
const prefix = testPrefix('sweeps');
const root = mkdtempSync(join(tmpdir(), 'assay-sweeps-e2e-'));
const PHOTOS = ['baboon.jpg', 'building.jpg', 'fruits.jpg', 'HappyFish.jpg', 'butterfly.jpg', 'board.jpg', 'apple.jpg', 'aero1.jpg'];
let s3: TestS3;
let env: Record<string, string>;
let ingest: RunningService;
let worker: RunningService;
const aggregators: RunningService[] = [];
let api: ReturnType<typeof apiClient>;
let sweepsQueue: Queue;
const HOOK_SECRET = 'sweep-verdict-secret-0123';
let hook: Server;
const deliveries: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];

const sweepFile = (name: string, cron: string, deadline = '10m') => `name: ${name}
description: the sweeps end-to-end test
schedule:
  cron: '${cron}'
  timezone: UTC
manifest:
  uri: s3://bench/${name}/{date}/manifest.jsonl
suite: image-fast
baseline: previous
policy: e2e-sweep
deadline: ${deadline}
`;
const POLICY = `name: e2e-sweep
description: the sweeps end-to-end test's gate
modality: image
minAssets: 5
criteria:
  - type: non_inferiority
    score: sharpness.laplacian_variance
    relativeMargin: 0.2
  - type: completeness
    maxFailedShare: 0.25
`;
// a schedule that never fires during the test: these sweeps run when triggered
const YEARLY = '0 0 1 1 *';

const manifest = (modelVersion: string, extra: object[] = []) =>
  [
    ...PHOTOS.map((p) => ({
      assetId: p,
      modality: 'image',
      uri: `s3://bench/photos/${p}`,
      prompt: `a photograph: ${p}`,
      attributes: { promptId: p },
      modelVersion,
    })),
    ...extra,
  ]
    .map((l) => JSON.stringify(l))
    .join('\n');
const writeManifest = (sweep: string, date: string, text: string) =>
  s3.store.put({ bucket: 'bench', key: `${sweep}/${date}/manifest.jsonl` }, text, 'application/x-ndjson');

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The sweep run of `date` once it is done or failed. */
const finished = (sweep: string, date: string, attempt = 1, timeoutMs?: number) =>
  until(
    `${sweep} ${date} to finish`,
    async () => {
      const runs = (await api('GET', `/v1/sweeps/${sweep}`)).json.runs as SweepRunRecord[];
      const run = runs.find((r) => r.date === date && r.attempt === attempt);
      return run && (run.state === 'done' || run.state === 'failed') ? run : undefined;
    },
    timeoutMs,
  );
const outcomeOf = async (sweep: string, date: string) =>
  JSON.parse(Buffer.from(await s3.store.get({ bucket: 'assay', key: SweepObjects.verdict(sweep, date) })).toString('utf8')) as SweepOutcome;
const scrape = async (s: RunningService) => (await fetch(`${s.url}/metrics`)).text();

beforeAll(async () => {
  s3 = await startTestS3(['assay', 'bench']);
  for (const p of PHOTOS) await s3.store.put({ bucket: 'bench', key: `photos/${p}` }, readFileSync(join(OPENCV_DATA, p)), 'image/jpeg');
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  mkdirSync(join(root, 'sweeps'));
  mkdirSync(join(root, 'policies'));
  writeFileSync(join(root, 'policies', 'e2e-sweep.yaml'), POLICY);
  writeFileSync(join(root, 'sweeps', 'every-2s.yaml'), sweepFile('every-2s', '*/2 * * * * *'));
  writeFileSync(join(root, 'sweeps', 'nightly.yaml'), sweepFile('nightly', YEARLY));
  writeFileSync(join(root, 'sweeps', 'crash.yaml'), sweepFile('crash', YEARLY));
  writeFileSync(join(root, 'sweeps', 'deadline.yaml'), sweepFile('deadline', YEARLY, '3s'));
  env = stackEnv(prefix, s3.s3.endpoint, {
    LOG_LEVEL: 'warn',
    S3_ALLOWED_BUCKETS: 'bench',
    POLICIES_DIR: join(root, 'policies'),
    SWEEPS_DIR: join(root, 'sweeps'),
    SWEEP_POLL_INTERVAL_MS: '300',
    COMPARISON_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as { port: number }).port}/verdicts`,
    COMPARISON_WEBHOOK_SECRET: HOOK_SECRET,
    COMPARISON_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    // a killed aggregator's active job is taken over quickly
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
  });
  // today's manifest is there before the schedule first fires
  await writeManifest('every-2s', new Date().toISOString().slice(0, 10), manifest('gen-1'));
  aggregators.push(await startService('aggregator', env), await startService('aggregator', env));
  worker = await startService('worker', env);
  ingest = await startService('ingest', env);
  api = apiClient(ingest.url);
  sweepsQueue = new Queue('sweeps', { connection: { url: REDIS_URL }, prefix: queuePrefix(prefix, 'sweeps') });
}, 120_000);
afterAll(async () => {
  await sweepsQueue?.close();
  await Promise.all([ingest, worker, ...aggregators].filter(Boolean).map((s) => s.stop()));
  await new Promise((r) => hook?.close(r));
  await s3?.close();
  await dropPrefix(prefix);
  rmSync(root, { recursive: true, force: true });
});

describe('the schedule, shared by two aggregator replicas', () => {
  it('fires one tick job per time, and the date gets exactly one sweep run and one run', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const ticks = await until('four ticks', async () => {
      const done = (await sweepsQueue.getJobs(['completed'])).filter((j) => j.name === 'sweep-tick');
      return done.length >= 4 ? done : undefined;
    });
    const firedAt = ticks.map((j) => j.timestamp + (j.opts.delay ?? 0));
    expect(new Set(firedAt).size).toBe(ticks.length);
    expect(ticks.filter((j) => (j.returnvalue as { started: boolean }).started)).toHaveLength(1);
    // one scheduler per sweep, though both replicas upserted them
    expect((await sweepsQueue.getJobSchedulers(0, -1)).map((s) => s.key).sort()).toEqual([
      'sweep.crash',
      'sweep.deadline',
      'sweep.every-2s',
      'sweep.nightly',
    ]);

    const run = await finished('every-2s', today);
    expect(run).toMatchObject({ state: 'done', attempt: 1, trigger: 'schedule', lines: PHOTOS.length, submitted: PHOTOS.length });
    const runs = (await api('GET', '/v1/runs?name=sweep-every-2s')).json.items as { id: string }[];
    expect(runs.map((r) => r.id)).toEqual([run.runId]);
    // the first night has nothing to compare with: published without a verdict, and the baseline of the next
    const outcome = await outcomeOf('every-2s', today);
    expect(outcome).toMatchObject({
      state: 'done',
      verdict: null,
      baselineRunId: null,
      runId: run.runId,
      counts: { completed: 8, failed: 0 },
    });

    const listed = (await api('GET', '/v1/sweeps')).json as { name: string; nextRunAt: string; lastSuccess: { runId: string } | null }[];
    expect(listed.map((s) => s.name)).toEqual(['crash', 'deadline', 'every-2s', 'nightly']);
    const every = listed.find((s) => s.name === 'every-2s')!;
    expect(every.lastSuccess?.runId).toBe(run.runId);
    expect(Date.parse(every.nextRunAt) - Date.now()).toBeLessThanOrEqual(2_000);
  }, 120_000);
});

describe('a sweep by date: missing manifest, missing object, baseline previous, verdict', () => {
  it('fails a date without a manifest with sweep_manifest_missing, and runs the next date', async () => {
    const begun = await api('POST', '/v1/sweeps/nightly/trigger', { date: '2026-01-01' });
    expect(begun.status).toBe(202);
    expect(begun.json).toMatchObject({ sweep: 'nightly', date: '2026-01-01', attempt: 1, state: 'submitting', trigger: 'manual' });
    const failed = await finished('nightly', '2026-01-01');
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('sweep_manifest_missing');
    expect(await outcomeOf('nightly', '2026-01-01')).toMatchObject({
      state: 'failed',
      verdict: null,
      error: { code: 'sweep_manifest_missing' },
    });

    // the next date's manifest has a line whose object does not exist: that asset fails, the sweep goes on
    const missing = { assetId: 'missing.jpg', modality: 'image', uri: 's3://bench/photos/missing.jpg', modelVersion: 'gen-1' };
    await writeManifest('nightly', '2026-01-02', manifest('gen-1', [missing]));
    expect((await api('POST', '/v1/sweeps/nightly/trigger', { date: '2026-01-02' })).status).toBe(202);
    const first = await finished('nightly', '2026-01-02');
    expect(first).toMatchObject({ state: 'done', modelVersion: 'gen-1', counts: { submitted: 9, completed: 8, failed: 1, duplicates: 0 } });
    const failure = (await api('GET', `/v1/runs/${first.runId}/assets/missing.jpg`)).json;
    expect(failure.result.failure.code).toBe('source_not_found');
  }, 120_000);

  it('compares the next night with the last successful one and publishes the verdict to S3 and the gauges', async () => {
    const first = (await api('GET', '/v1/sweeps/nightly')).json.runs.find((r: SweepRunRecord) => r.date === '2026-01-02') as SweepRunRecord;
    await writeManifest('nightly', '2026-01-03', manifest('gen-2'));
    expect((await api('POST', '/v1/sweeps/nightly/trigger', { date: '2026-01-03' })).status).toBe(202);
    const second = await finished('nightly', '2026-01-03');
    expect(second.state).toBe('done');
    expect(second.baselineRunId).toBe(first.runId);
    expect(['GO', 'INCONCLUSIVE']).toContain(second.verdict);

    const outcome = await outcomeOf('nightly', '2026-01-03');
    expect(outcome).toMatchObject({
      state: 'done',
      verdict: second.verdict,
      policy: 'e2e-sweep',
      baselineRunId: first.runId,
      modelVersion: 'gen-2',
    });
    const comparison = (await api('GET', `/v1/comparisons/${outcome.comparisonId}`)).json;
    expect(comparison).toMatchObject({ status: 'done', verdict: second.verdict, baselineRunId: first.runId, candidateRunId: second.runId });
    const report = Buffer.from(await s3.store.get({ bucket: 'assay', key: SweepObjects.report('nightly', '2026-01-03') })).toString('utf8');
    expect(report).toMatch(/^<!doctype html>/i);

    const value = second.verdict === 'GO' ? 1 : -1;
    for (const aggregator of aggregators) {
      const text = await scrape(aggregator);
      expect(text).toMatch(new RegExp(`^assay_sweep_last_verdict\\{sweep="nightly"[^}]*\\} ${value}$`, 'm'));
      const at = Number(/^assay_sweep_last_success_timestamp_seconds\{sweep="nightly"[^}]*\} (\S+)$/m.exec(text)?.[1]);
      expect(at * 1000).toBeCloseTo(Date.parse(second.finishedAt!), -3);
      const lint = spawnSync(promtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    }

    // the signed verdict webhook of the sweep's comparison names the sweep, its date and its outcome
    const delivery = await until('the verdict webhook', async () =>
      deliveries.find((d) => (JSON.parse(d.body) as VerdictDelivery).comparisonId === outcome.comparisonId),
    );
    const ts = String(delivery.headers[TIMESTAMP_HEADER]);
    expect(delivery.headers[SIGNATURE_HEADER]).toBe(signHook(HOOK_SECRET, ts, delivery.body));
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'comparison.done',
      verdict: second.verdict,
      policy: 'e2e-sweep',
      sweep: { name: 'nightly', date: '2026-01-03', outcomeUri: 's3://assay/sweeps/nightly/2026-01-03/verdict.json' },
    });

    // a done date is not run twice; a failed one runs again as a new attempt, and does not move the baseline back
    expect((await api('POST', '/v1/sweeps/nightly/trigger', { date: '2026-01-03' })).json.error.code).toBe('sweep_run_exists');
    await writeManifest('nightly', '2026-01-01', manifest('gen-0'));
    expect((await api('POST', '/v1/sweeps/nightly/trigger', { date: '2026-01-01' })).json.attempt).toBe(2);
    expect((await finished('nightly', '2026-01-01', 2)).state).toBe('done');
    expect((await api('GET', '/v1/sweeps/nightly')).json.lastSuccess.runId).toBe(second.runId);
    expect((await api('POST', '/v1/sweeps/nope/trigger', {})).status).toBe(404);
  }, 150_000);
});

describe('assay sweeps', () => {
  const assay = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['cli/bin/assay.js', 'sweeps', ...args],
        { env: isolatedEnv({ HOME: root, ASSAY_URL: ingest.url, ASSAY_API_KEY: TEST_API_KEY }) },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      ),
    );

  it('lists the sweeps with their last verdict and triggers one, refusing a date that has a run', async () => {
    const list = await assay(['list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^sweep +schedule +next run +latest run +last verdict$/m);
    expect(list.stdout).toMatch(/^nightly +0 0 1 1 \* \(UTC\) +\S+ +2026-01-03 done +(GO|INCONCLUSIVE) \(2026-01-03\)$/m);
    await writeManifest('nightly', '2026-01-04', manifest('gen-2'));
    const trigger = await assay(['trigger', 'nightly', '--date', '2026-01-04']);
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(trigger.stdout).toMatch(/^sweep nightly 2026-01-04 \(attempt 1\) begun: run run_\w+/);
    const again = await assay(['trigger', 'nightly', '--date', '2026-01-04']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/sweep_run_exists/);
    expect((await assay(['trigger', 'nightly', '--date', 'tomorrow'])).code).toBe(2);
    expect((await finished('nightly', '2026-01-04')).state).toBe('done');
  }, 120_000);
});

describe('the deadline', () => {
  it('fails the assets without a result and closes the run; with nothing completed the sweep run fails (empty_run), never a baseline', async () => {
    await worker.stop();
    await writeManifest('deadline', '2026-03-01', manifest('gen-4'));
    expect((await api('POST', '/v1/sweeps/deadline/trigger', { date: '2026-03-01' })).status).toBe(202);
    const run = await finished('deadline', '2026-03-01');
    expect(run).toMatchObject({
      state: 'failed',
      timedOut: 8,
      error: { code: 'empty_run' },
      counts: { submitted: 8, completed: 0, failed: 8 },
    });
    expect((await api('GET', `/v1/runs/${run.runId}`)).json.status).toBe('closed');
    const asset = (await api('GET', `/v1/runs/${run.runId}/assets/baboon.jpg`)).json;
    expect(asset.result.failure.code).toBe('sweep_deadline_exceeded');
    expect(await outcomeOf('deadline', '2026-03-01')).toMatchObject({ state: 'failed', timedOut: 8, error: { code: 'empty_run' } });
    // counted by the replica that ran it
    const failedRuns = await Promise.all(
      aggregators.map(async (a) =>
        Number(/^assay_sweep_runs_total\{sweep="deadline",outcome="failed"[^}]*\} (\d+)$/m.exec(await scrape(a))?.[1]),
      ),
    );
    expect(failedRuns.reduce((a, b) => a + b, 0)).toBe(1);
  }, 60_000);
});

describe('a crash mid-sweep', () => {
  it('resumes in the next aggregator after both are killed: every asset scored and counted once', async () => {
    await worker.stop();
    await writeManifest('crash', '2026-02-01', manifest('gen-3'));
    expect((await api('POST', '/v1/sweeps/crash/trigger', { date: '2026-02-01' })).status).toBe(202);
    // submitted, then waiting for results that cannot come: no worker scores them
    const scoring = await until('the sweep to wait for results', async () => {
      const run = ((await api('GET', '/v1/sweeps/crash')).json.runs as SweepRunRecord[])[0];
      return run?.state === 'scoring' ? run : undefined;
    });
    for (const a of aggregators.splice(0)) await a.stop('SIGKILL');
    aggregators.push(await startService('aggregator', env));
    worker = await startService('worker', env);
    const done = await finished('crash', '2026-02-01');
    expect(done).toMatchObject({ state: 'done', runId: scoring.runId, counts: { submitted: 8, completed: 8, failed: 0, duplicates: 0 } });
    const runs = (await api('GET', '/v1/runs?name=sweep-crash')).json.items as { id: string }[];
    expect(runs).toHaveLength(1);
    const results = (await api('GET', `/v1/runs/${done.runId}/results?limit=100`)).json;
    expect(results.items).toHaveLength(8);
    expect(new Set(results.items.map((r: { assetId: string }) => r.assetId)).size).toBe(8);
  }, 150_000);
});

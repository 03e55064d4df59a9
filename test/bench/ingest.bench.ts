/**
 * npm run bench:ingest — accepted assets per second through the HTTP API (ingest as its own process) at
 * batch 1 and batch 100, with p50/p99 request latency, against the same jobs added straight to BullMQ
 * with addBulk in the same run. Medians of ROUNDS rounds.
 */
import { Redis } from 'ioredis';
import { JobName, QueueName, scoreJobId, type ScoreAssetPayload } from '@assay/contracts';
import { QueueSet } from '@assay/queue';
import { dropPrefix, REDIS_URL, startTestS3, testPrefix } from '../helpers/env.js';
import { apiClient, stackEnv, startService } from '../helpers/services.js';
import { median, pool, QUICK, quantile, rounds, table } from './stats.js';

const ROUNDS = rounds(5);
const ASSETS_PER_ROUND = QUICK ? 200 : 2000;
const CONCURRENCY = 16;

const prefix = testPrefix('bench-ingest');
const s3 = await startTestS3();
const ingest = await startService('ingest', stackEnv(prefix, s3.s3.endpoint, { LOG_LEVEL: 'warn' }));
const api = apiClient(ingest.url);
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queues = new QueueSet(redis, prefix);

const asset = (round: number, i: number) => ({
  assetId: `r${round}/a${i}.png`,
  modality: 'image',
  uri: `s3://assay/bench/r${round}/a${i}.png`,
  prompt: 'a red mug on a white table',
  attributes: { seed: i },
});

interface Sample {
  rate: number;
  p50: number;
  p99: number;
}

async function viaHttp(batch: number, round: number): Promise<Sample> {
  const run = (await api('POST', '/v1/runs', { name: `bench-${batch}-${round}` })).json;
  const batches = Array.from({ length: ASSETS_PER_ROUND / batch }, (_, b) =>
    Array.from({ length: batch }, (_, i) => asset(round, b * batch + i)),
  );
  const t = performance.now();
  const lat = await pool(batches, batch === 1 ? CONCURRENCY : 4, async (assets) => {
    const res = await api('POST', `/v1/runs/${run.id}/assets`, { assets });
    if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.json)}`);
  });
  const seconds = (performance.now() - t) / 1000;
  return { rate: ASSETS_PER_ROUND / seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

async function viaAddBulk(batch: number, round: number): Promise<Sample> {
  const runId = `run_bench${String(round).padStart(22, '0')}`;
  const jobs = Array.from({ length: ASSETS_PER_ROUND }, (_, i) => {
    const a = asset(round + 1000 * batch, i);
    const data: ScoreAssetPayload = {
      runId,
      assetId: a.assetId,
      modality: 'image',
      suite: 'image-default',
      modelVersion: 'unknown',
      source: { bucket: 'assay', key: a.uri.slice('s3://assay/'.length) },
      prompt: a.prompt,
      attributes: a.attributes,
      submittedAt: new Date().toISOString(),
    };
    return { name: JobName.ScoreAsset, data, opts: { jobId: scoreJobId(runId, a.assetId) } };
  });
  const batches = Array.from({ length: ASSETS_PER_ROUND / batch }, (_, b) => jobs.slice(b * batch, (b + 1) * batch));
  const t = performance.now();
  const lat = await pool(batches, batch === 1 ? CONCURRENCY : 4, async (group) => void (await queues.addBulk(QueueName.Image, group)));
  const seconds = (performance.now() - t) / 1000;
  return { rate: ASSETS_PER_ROUND / seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

const rows: (string | number)[][] = [];
let round = 0;
for (const batch of [1, 100]) {
  const http: Sample[] = [];
  const bulk: Sample[] = [];
  await viaHttp(batch, round++); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    http.push(await viaHttp(batch, round++));
    bulk.push(await viaAddBulk(batch, round++));
  }
  const m = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
  rows.push([`HTTP batch ${batch}`, m(http, 'rate').toFixed(0), m(http, 'p50').toFixed(2), m(http, 'p99').toFixed(2), '']);
  rows.push([`addBulk batch ${batch}`, m(bulk, 'rate').toFixed(0), m(bulk, 'p50').toFixed(2), m(bulk, 'p99').toFixed(2), '']);
  rows.push([`HTTP / addBulk`, '', '', '', (m(http, 'rate') / m(bulk, 'rate')).toFixed(2)]);
}

process.stdout.write(
  `\nbench:ingest — ${ASSETS_PER_ROUND} assets per round, median of ${ROUNDS} rounds; request concurrency ${CONCURRENCY} at batch 1, 4 at batch 100\n\n` +
    `${table(['path', 'assets/s', 'p50 ms', 'p99 ms', 'ratio'], rows)}\n`,
);
await ingest.stop();
await queues.close();
redis.disconnect();
await s3.close();
await dropPrefix(prefix);

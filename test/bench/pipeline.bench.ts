/**
 * npm run bench:pipeline — images per second end to end (submit → scored → run closed) with the default
 * suite at 512×512 and 1024×1024, ingest + worker + aggregator as separate processes on this machine, and
 * where the worker's time goes (fetch, decode, CPU metrics, inference, publish) against the wall clock.
 * Medians of ROUNDS rounds.
 */
import sharp from 'sharp';
import type { ResultRecord } from '@assay/contracts';
import { dropPrefix, startTestS3, testPrefix } from '../helpers/env.js';
import { rawOf, texturedRgb } from '../helpers/images.js';
import { apiClient, stackEnv, startService, waitForClosed } from '../helpers/services.js';
import { cases, median, QUICK, rounds, table } from './stats.js';

const ROUNDS = rounds(3);
const IMAGES = QUICK ? 8 : 40;
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 2);

const prefix = testPrefix('bench-pipeline');
const s3 = await startTestS3();
const env = stackEnv(prefix, s3.s3.endpoint, { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: String(CONCURRENCY), SUMMARY_INTERVAL_MS: '200' });
const services = [await startService('aggregator', env), await startService('worker', env), await startService('ingest', env)];
const api = apiClient(services[2].url);

async function records(runId: string): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for (const key of await s3.store.list('assay', `runs/${runId}/results/`)) {
    out.push(
      ...Buffer.from(await s3.store.get({ bucket: 'assay', key }))
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ResultRecord),
    );
  }
  return out;
}

const rows: (string | number)[][] = [];
for (const size of cases([512, 1024])) {
  for (let i = 0; i < IMAGES; i++) {
    const jpeg = await sharp(texturedRgb(size, size, size + i), rawOf(size, size))
      .jpeg({ quality: 90 })
      .toBuffer();
    await s3.store.put({ bucket: 'assay', key: `bench/${size}/${i}.jpg` }, jpeg);
  }
  const rates: number[] = [];
  const shares: Record<string, number[]> = { fetch: [], decode: [], 'cpu metrics': [], inference: [], publish: [], 'queue + idle': [] };
  for (let r = -1; r < ROUNDS; r++) {
    const run = (await api('POST', '/v1/runs', { name: `bench-${size}-${r}` })).json;
    const t = performance.now();
    await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: Array.from({ length: IMAGES }, (_, i) => ({
        assetId: `${i}.jpg`,
        modality: 'image',
        uri: `s3://assay/bench/${size}/${i}.jpg`,
      })),
    });
    await api('POST', `/v1/runs/${run.id}/close`);
    await waitForClosed(api, run.id, 600_000);
    const wallMs = performance.now() - t;
    if (r < 0) continue; // warm-up round
    rates.push(IMAGES / (wallMs / 1000));
    const recs = await records(run.id);
    if (recs.length !== IMAGES || recs.some((x) => x.status !== 'completed')) throw new Error('not every image completed');
    const sum = (f: (x: ResultRecord) => number) => recs.reduce((s, x) => s + f(x), 0);
    const capacity = wallMs * CONCURRENCY; // worker slot-milliseconds available during the round
    const fetch = sum((x) => x.timings!.fetchMs);
    const decode = sum((x) => x.timings!.decodeMs);
    const inference = sum((x) => x.timings!.inferenceMs);
    const metrics = sum((x) => x.timings!.metricsMs) - inference;
    const total = sum((x) => x.timings!.totalMs);
    const publish = total - fetch - decode - metrics - inference;
    const parts = { fetch, decode, 'cpu metrics': metrics, inference, publish, 'queue + idle': capacity - total };
    for (const [k, v] of Object.entries(parts)) shares[k].push((100 * v) / capacity);
  }
  rows.push([`${size}×${size}`, median(rates).toFixed(2), ...Object.values(shares).map((v) => `${median(v).toFixed(1)}%`)]);
}

process.stdout.write(
  `\nbench:pipeline — ${IMAGES} JPEG images per round, suite image-default, worker concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds\n` +
    `(shares are of worker slot time = wall clock × concurrency; "queue + idle" is queueing, aggregation and closing)\n\n` +
    `${table(['size', 'images/s', 'fetch', 'decode', 'cpu metrics', 'inference', 'publish', 'queue + idle'], rows)}\n`,
);
await Promise.all(services.map((s) => s.stop()));
await s3.close();
await dropPrefix(prefix);

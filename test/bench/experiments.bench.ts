/**
 * bench:experiments — engagement at scale (docs/benchmarks.md): a simulated A/B test (default 1 M users, about
 * 10 M events; BENCH_USERS to change) sent through the API in 10 000-event batches and, for a second
 * experiment, imported from S3 NDJSON parts; then the readout over every unit. References in the same run:
 * the same batches appended raw to a Redis list (no validation, dedup or aggregation: the floor of what any
 * ingest costs), and NumPy computing a ratio metric's delta-method and CUPED comparison from per-unit arrays
 * of the same size. Peak memory is the ingest process's VmHWM.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { EventImport, ExperimentAnalysis, ExperimentEvent, UnitCovariates } from '@assay/contracts';
import { simulateExperiment } from '@assay/experiments';
import { dropPrefix, REDIS_URL, startTestS3, testPrefix } from '../helpers/env.js';
import { apiClient, stackEnv, startService } from '../helpers/services.js';
import { median, pool, QUICK, rounds, table } from './stats.js';

const USERS = QUICK ? 20_000 : Number(process.env.BENCH_USERS ?? 1_000_000);
const BATCH_EVENTS = 10_000;
const PARTS = QUICK ? 2 : 10;
const prefix = testPrefix('bench-experiments');
const s3 = await startTestS3();
const env = stackEnv(prefix, s3.s3.endpoint, { LOG_LEVEL: 'warn' });
const ingest = await startService('ingest', env);
const aggregator = await startService('aggregator', env);
const api = apiClient(ingest.url);
const redis = new Redis(REDIS_URL);
const tmp = mkdtempSync(join(tmpdir(), 'assay-bench-experiments-'));

const sim = simulateExperiment({ users: USERS, lift: 0.02, meanImpressions: 8, seed: 3 });

/** The simulation as request bodies of at most BATCH_EVENTS events, built as they are needed. */
function* batches(): Generator<{ events: ExperimentEvent[]; units: UnitCovariates[] }> {
  let events: ExperimentEvent[] = [];
  let units: UnitCovariates[] = [];
  for (const user of sim.users()) {
    events.push(...user.events);
    units.push(user.covariates);
    if (events.length >= BATCH_EVENTS - 64) {
      yield { events, units };
      events = [];
      units = [];
    }
  }
  if (events.length) yield { events, units };
}

const pct = (x: number) => (x * 100).toFixed(2);
const vmHwmBytes = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

try {
  // reference: the same bodies appended raw to a Redis list
  const listKey = `${prefix}:raw-events`;
  let started = performance.now();
  let rawEvents = 0;
  const raw = batches();
  await pool([0, 1], 2, async () => {
    for (let next = raw.next(); !next.done; next = raw.next()) {
      rawEvents += next.value.events.length;
      await redis.rpush(listKey, JSON.stringify(next.value));
    }
  });
  const rawRate = rawEvents / ((performance.now() - started) / 1000);
  await redis.del(listKey);

  // through the API: two clients, as a pipeline's uploaders would
  const exp = (await api('POST', '/v1/experiments', sim.definition)).json.id as string;
  started = performance.now();
  let apiEvents = 0;
  const bodies = batches();
  await pool([0, 1], 2, async () => {
    for (let next = bodies.next(); !next.done; next = bodies.next()) {
      const res = await api('POST', `/v1/experiments/${exp}/events`, next.value);
      if (res.status !== 200) throw new Error(`events: HTTP ${res.status} ${JSON.stringify(res.json)}`);
      apiEvents += res.json.accepted as number;
    }
  });
  const apiSeconds = (performance.now() - started) / 1000;

  // from S3: the same users as NDJSON parts under one prefix, into a second experiment
  const users = [...Array(PARTS)].map((): string[] => []);
  let u = 0;
  for (const user of sim.users()) {
    users[u++ % PARTS].push(...user.events.map((e) => JSON.stringify(e)), JSON.stringify(user.covariates));
    if (u % PARTS === 0 && users[0].length > 400_000) {
      // flush full parts as we go so the whole export never sits in memory
      for (let p = 0; p < PARTS; p++)
        await s3.store.put({ bucket: 'assay', key: `bench/exp/part-${p}-${u}.ndjson` }, `${users[p].join('\n')}\n`);
      users.forEach((x) => (x.length = 0));
    }
  }
  for (let p = 0; p < PARTS; p++)
    if (users[p].length) await s3.store.put({ bucket: 'assay', key: `bench/exp/part-${p}-end.ndjson` }, `${users[p].join('\n')}\n`);
  const imported = (await api('POST', '/v1/experiments', sim.definition)).json.id as string;
  started = performance.now();
  let imp: EventImport = (await api('POST', `/v1/experiments/${imported}/imports`, { uri: 's3://assay/bench/exp/' })).json;
  while (imp.status === 'queued' || imp.status === 'running') {
    await new Promise((r) => setTimeout(r, 250));
    imp = (await api('GET', `/v1/experiments/${imported}/imports/${imp.importId}`)).json;
  }
  const importSeconds = (performance.now() - started) / 1000;
  if (imp.status !== 'completed') throw new Error(`import ${imp.status}: ${JSON.stringify(imp.failure)}`);

  // the readout over every unit
  const times: number[] = [];
  let analysis: ExperimentAnalysis | undefined;
  for (let r = 0; r < rounds(3); r++) {
    const t = performance.now();
    analysis = (await api('GET', `/v1/experiments/${exp}/analysis`)).json as ExperimentAnalysis;
    times.push(performance.now() - t);
  }
  const ctr = analysis!.comparisons[0].metrics.find((m) => m.metric === 'ctr')!;

  // NumPy on per-unit arrays of the same size: the delta-method and CUPED comparison of a CTR
  const numpy = JSON.parse(
    execFileSync('/usr/bin/python3', ['test/bench/experiments_reference.py', String(USERS)], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as { seconds: number[] };

  process.stdout.write(
    `bench:experiments — ${USERS} users, ${apiEvents} events; medians of ${times.length} readouts (ms); rates in events/s\n${table(
      ['measure', 'Assay', 'reference', 'ratio'],
      [
        ['events', apiEvents, rawEvents, ''],
        ['API ingest (events/s)', Math.round(apiEvents / apiSeconds), Math.round(rawRate), (apiEvents / apiSeconds / rawRate).toFixed(2)],
        [
          'S3 import (events/s)',
          Math.round(imp.accepted / importSeconds),
          Math.round(rawRate),
          (imp.accepted / importSeconds / rawRate).toFixed(2),
        ],
        [
          `readout, ${analysis!.units.total} units (median ms)`,
          median(times).toFixed(0),
          (median(numpy.seconds) * 1000).toFixed(0),
          (median(times) / 1000 / median(numpy.seconds)).toFixed(1),
        ],
        ['ingest process peak RSS (MB)', (vmHwmBytes(ingest.child.pid!) / 2 ** 20).toFixed(0), '', ''],
        ['Redis used memory (MB)', (Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]) / 2 ** 20).toFixed(0), '', ''],
      ],
    )}\nreference: raw RPUSH of the same batches (rates); NumPy delta-method + CUPED on one metric ` +
      `(readout: Assay computes SRM, 3 metrics, CUPED, Holm, ${analysis!.timeline.length} daily looks)\n` +
      `CTR lift ${pct(ctr.relativeLift.estimate)} % [${pct(ctr.relativeLift.ci[0])}, ${pct(ctr.relativeLift.ci[1])}] (true 2 %); ` +
      `import rejected ${imp.rejected}\n`,
  );
} finally {
  await Promise.all([ingest.stop(), aggregator.stop()]);
  await s3.close();
  await dropPrefix(prefix);
  redis.disconnect();
  rmSync(tmp, { recursive: true, force: true });
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, type RunCounts, type SweepRunRecord } from '@assay/contracts';
import { MetricCatalog } from '@assay/metric-catalog';
import { PolicyCatalog } from '@assay/policies';
import { SuiteCatalog } from '@assay/suites';
import {
  baselineRunId,
  dateIn,
  EXAMPLE_SWEEPS_DIR,
  manifestUriFor,
  mayBegin,
  nextAction,
  nextRunAt,
  parseBaseline,
  parseDuration,
  parseManifest,
  SweepCatalog,
  SweepStore,
} from '@assay/sweeps';
import { dropPrefix, REDIS_URL, startTestS3, testPrefix, type TestS3 } from '../../../test/helpers/env.js';

let s3: TestS3;
let known: { suites: SuiteCatalog; policies: PolicyCatalog };
const dirs: string[] = [];
const prefix = testPrefix('sweep-store');
const redis = new Redis(REDIS_URL);
beforeAll(async () => {
  s3 = await startTestS3();
  known = { suites: await SuiteCatalog.load(), policies: await PolicyCatalog.load(MetricCatalog.load()) };
});
afterAll(async () => {
  await s3.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await dropPrefix(prefix);
  redis.disconnect();
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-sweeps-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const sweepYaml = (fields: Record<string, string> = {}) =>
  Object.entries({
    name: 'nightly',
    schedule: "{ cron: '0 2 * * *', timezone: Europe/Berlin }",
    manifest: '{ uri: "s3://bench/{date}/manifest.jsonl" }',
    suite: 'image-fast',
    policy: 'image-launch',
    ...fields,
  })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

describe('SweepCatalog', () => {
  it('loads the shipped example (not active by default) and applies defaults', async () => {
    expect((await SweepCatalog.load(known)).list()).toEqual([]);
    const examples = await SweepCatalog.load(known, {}, EXAMPLE_SWEEPS_DIR);
    expect(examples.get('nightly-image')).toMatchObject({ baseline: 'previous', deadline: '4h', manifest: { dateOffsetDays: -1 } });
    const custom = await SweepCatalog.load(known, { dir: dirWith({ 'n.yaml': sweepYaml() }) });
    expect(custom.get('nightly')).toMatchObject({ baseline: 'previous', deadline: '6h', schedule: { timezone: 'Europe/Berlin' } });
  });

  it('refuses a bad cron, time zone, template, baseline, unknown suite or policy, and a policy of another modality, naming the file', async () => {
    const refused = async (fields: Record<string, string>) =>
      SweepCatalog.load(known, { dir: dirWith({ 'bad.yaml': sweepYaml(fields) }) }).then(
        () => 'loaded',
        (err: Error) => err.message,
      );
    expect(await refused({ schedule: "{ cron: 'every night' }" })).toMatch(/bad\.yaml: schedule\.cron: not a cron expression/);
    expect(await refused({ schedule: "{ cron: '0 2 * * *', timezone: Mars/Base }" })).toMatch(/schedule\.timezone: not an IANA time zone/);
    expect(await refused({ manifest: '{ uri: "s3://bench/manifest.jsonl" }' })).toMatch(/manifest\.uri: must contain \{date\}/);
    expect(await refused({ manifest: '{ uri: "s3://bench/{date}/{model}.jsonl" }' })).toMatch(/the only placeholder is \{date\}/);
    expect(await refused({ baseline: 'last-week' })).toMatch(/baseline: previous, a run id/);
    expect(await refused({ deadline: 'soon' })).toMatch(/deadline: a duration/);
    expect(await refused({ suite: 'nope' })).toMatch(/bad\.yaml: suite: no suite nope/);
    expect(await refused({ policy: 'nope' })).toMatch(/policy: no policy nope/);
    expect(await refused({ policy: 'audio-launch' })).toMatch(/audio-launch judges audio; suite image-fast scores image/);
    // accepted in files (another engineer is building reference sets), refused when a run needs it
    expect(await refused({ baseline: 'reference-set:golden' })).toBe('loaded');
  });
});

describe('calendar', () => {
  it('gives the date of an instant in the time zone, moved by the offset', () => {
    const at = new Date('2026-03-01T23:30:00Z');
    expect(dateIn(at, 'UTC')).toBe('2026-03-01');
    expect(dateIn(at, 'Europe/Berlin')).toBe('2026-03-02');
    expect(dateIn(at, 'Europe/Berlin', -1)).toBe('2026-03-01');
    expect(dateIn(new Date('2026-01-01T10:00:00Z'), 'UTC', -1)).toBe('2025-12-31');
    expect(dateIn(new Date('2024-03-01T10:00:00Z'), 'UTC', -1)).toBe('2024-02-29');
  });

  it('reads the cron in the time zone, across a daylight-saving change', () => {
    expect(nextRunAt('30 2 * * *', 'UTC', new Date('2026-03-01T00:00:00Z')).toISOString()).toBe('2026-03-01T02:30:00.000Z');
    expect(nextRunAt('0 3 * * *', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('fills the template and parses durations', () => {
    expect(manifestUriFor('s3://b/{date}/m-{date}.jsonl', '2026-01-02')).toBe('s3://b/2026-01-02/m-2026-01-02.jsonl');
    expect([parseDuration('90s'), parseDuration('45m'), parseDuration('6h'), parseDuration('1d')]).toEqual([
      90e3,
      45 * 60e3,
      6 * 3600e3,
      86400e3,
    ]);
    expect(parseDuration('6 hours')).toBeUndefined();
  });
});

describe('manifest', () => {
  const line = (assetId: string, modelVersion = 'v1') =>
    JSON.stringify({ assetId, modality: 'image', uri: `s3://bench/${assetId}.png`, modelVersion });

  it('reads one asset submission per line with its model version, blank lines skipped', () => {
    const m = parseManifest(`${line('a')}\n\n${line('b')}\n`, 's3://bench/m.jsonl');
    expect(m.modelVersion).toBe('v1');
    expect(m.lines.map((l) => [l.assetId, l.attributes])).toEqual([
      ['a', {}],
      ['b', {}],
    ]);
  });

  it('refuses the whole manifest with sweep_manifest_invalid, naming each bad line', () => {
    const refusal = (text: string) => {
      try {
        parseManifest(text, 's3://bench/m.jsonl');
        return undefined;
      } catch (err) {
        return err as AssayError;
      }
    };
    const bad = refusal(`${line('a')}\nnot json\n{"assetId":"c","modality":"image"}`)!;
    expect(bad.code).toBe('sweep_manifest_invalid');
    expect(bad.details?.map((d) => d.path)).toEqual(['line 2', 'line 3: modelVersion']);
    expect(refusal(`${line('a', 'v1')}\n${line('b', 'v2')}`)?.message).toMatch(/one model version per manifest; found v1, v2/);
    expect(refusal(`${line('a')}\n${line('a')}`)?.message).toMatch(/a: asset id used twice/);
    expect(refusal('\n')?.message).toMatch(/no asset/);
  });
});

describe('baseline', () => {
  it('is the last success, a pinned run, or the run a reference set was made from', async () => {
    const facts = (last: string | undefined) => ({
      lastSuccessRunId: last,
      referenceSetRunId: async (name: string) => (name === 'golden' ? 'run_golden' : Promise.reject(new Error(`no ${name}`))),
    });
    expect(await baselineRunId(parseBaseline('previous'), facts('run_a'))).toBe('run_a');
    expect(await baselineRunId(parseBaseline('previous'), facts(undefined))).toBeUndefined();
    expect(await baselineRunId(parseBaseline('run_0123456789abcdefghjkmnpqrs'), facts('run_a'))).toBe('run_0123456789abcdefghjkmnpqrs');
    expect(await baselineRunId(parseBaseline('reference-set:golden'), facts('run_a'))).toBe('run_golden');
    await expect(baselineRunId(parseBaseline('reference-set:gone'), facts('run_a'))).rejects.toThrow('no gone');
  });
});

const record = (over: Partial<SweepRunRecord> = {}): SweepRunRecord => ({
  sweep: 'nightly',
  date: '2026-01-02',
  attempt: 1,
  trigger: 'schedule',
  state: 'scoring',
  createdAt: '2026-01-02T02:00:00.000Z',
  deadline: '2026-01-02T06:00:00.000Z',
  manifestUri: 's3://bench/2026-01-02/manifest.jsonl',
  runId: 'run_x',
  comparisonId: 'cmp_x',
  ...over,
});
const counts = (pending: number): RunCounts => ({
  submitted: 10,
  awaitingContent: 0,
  pending,
  completed: 10 - pending,
  failed: 0,
  duplicates: 0,
});

describe('state machine', () => {
  it('waits for results until every asset has one, or the deadline passes', () => {
    const before = Date.parse('2026-01-02T05:00:00Z');
    const after = Date.parse('2026-01-02T06:00:00Z');
    expect(nextAction(record({ state: 'submitting' }), { now: before })).toEqual({ kind: 'submit' });
    expect(nextAction(record(), { now: before, counts: counts(3) })).toEqual({ kind: 'wait' });
    expect(nextAction(record(), { now: after, counts: counts(3) })).toEqual({ kind: 'expire' });
    expect(nextAction(record(), { now: after, counts: counts(0) })).toEqual({ kind: 'advance', to: 'closing' });
  });

  it('closes, compares, then publishes or fails with the comparison', () => {
    const now = Date.now();
    expect(nextAction(record({ state: 'closing' }), { now, runStatus: 'closing' })).toEqual({ kind: 'close' });
    expect(nextAction(record({ state: 'closing' }), { now, runStatus: 'closed' })).toEqual({ kind: 'advance', to: 'comparing' });
    expect(nextAction(record({ state: 'comparing' }), { now })).toEqual({ kind: 'compare' });
    expect(nextAction(record({ state: 'comparing' }), { now, comparison: { status: 'running' } })).toEqual({ kind: 'wait' });
    expect(nextAction(record({ state: 'comparing' }), { now, comparison: { status: 'done' } })).toEqual({ kind: 'publish' });
    const error = { code: 'empty_run', message: 'no completed asset' };
    expect(nextAction(record({ state: 'comparing' }), { now, comparison: { status: 'failed', error } })).toEqual({ kind: 'fail', error });
    expect(nextAction(record({ state: 'done' }), { now })).toEqual({ kind: 'finished' });
  });

  it('begins a date once; only a failed date, and only by hand, begins again', () => {
    expect(mayBegin(undefined, 'schedule')).toBe(true);
    expect(mayBegin(record({ state: 'failed' }), 'schedule')).toBe(false);
    expect(mayBegin(record({ state: 'failed' }), 'manual')).toBe(true);
    expect(mayBegin(record({ state: 'done' }), 'manual')).toBe(false);
  });
});

describe('SweepStore', () => {
  it('lets exactly one of racing beginnings of an attempt through, and an old attempt never overwrites a newer one', async () => {
    const store = new SweepStore(redis, prefix);
    const first = record({ state: 'submitting' });
    const began = await Promise.all([store.begin(first), store.begin({ ...first, runId: 'run_other' })]);
    expect(began.filter(Boolean)).toHaveLength(1);
    expect((await store.get('nightly', '2026-01-02'))?.runId).toBe(began[0] ? 'run_x' : 'run_other');
    expect(await store.save({ ...first, state: 'failed' })).toBe(true);
    expect(await store.begin({ ...first, attempt: 2 })).toBe(true);
    expect(await store.save({ ...first, state: 'done' })).toBe(false);
    expect((await store.get('nightly', '2026-01-02'))?.attempt).toBe(2);
  });

  it('keeps the last success, never moved back by an older date, and lists runs newest first', async () => {
    const store = new SweepStore(redis, prefix);
    await store.begin(record({ date: '2026-01-01' }));
    await store.markSuccess('nightly', { date: '2026-01-02', runId: 'run_2', finishedAt: '2026-01-02T03:00:00Z', verdict: 'GO' });
    await store.markSuccess('nightly', { date: '2026-01-01', runId: 'run_1', finishedAt: '2026-01-03T03:00:00Z' });
    expect((await store.lastSuccess('nightly'))?.runId).toBe('run_2');
    expect((await store.recent('nightly')).map((r) => r.date)).toEqual(['2026-01-02', '2026-01-01']);
  });
});

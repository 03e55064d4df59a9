import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  AssayError,
  ErrorCode,
  ListResultsQuery,
  ListRunsQuery,
  type ResultRecord,
  type ResultsPage,
  type RunRecord,
  type RunsPage,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { RunIndex, runKeys, type RunIndexEntry, type RunStore } from '@assay/runs';
import { ResultParts, type ResultPart } from '@assay/results';
import type { ObjectStore } from '@assay/storage';
import { invalid, parseQuery } from '../http/query.js';
import { CONFIG, OBJECT_STORE, REDIS, RUN_STORE } from '../tokens.js';
import { IntakeService } from './intake.service.js';
import { RunsService } from './runs.service.js';

/** Index entries a filtered runs page looks at before it answers with what it found (and a cursor). */
export const RUNS_SCAN_BUDGET = 1000;
/** Result records a filtered results page looks at before it answers with what it found (and a cursor). */
export const RESULTS_SCAN_BUDGET = 20_000;
const RUNS_BATCH = 200;

/**
 * Listing runs (from the run index in Redis) and a run's result records (from its NDJSON parts in S3).
 * Both page by position, never by rank, so pages stay correct while runs are created and records flushed.
 */
@Injectable()
export class ListingService {
  private readonly index: RunIndex;
  private readonly parts: ResultParts;

  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly intake: IntakeService,
    private readonly views: RunsService,
  ) {
    this.index = new RunIndex(redis, config.redis.prefix);
    this.parts = new ResultParts(store, config.s3.bucket);
  }

  async listRuns(query: unknown): Promise<RunsPage> {
    const q = parseQuery(ListRunsQuery, query, ['label']);
    const after = q.cursor === undefined ? undefined : decodeRunsCursor(q.cursor);
    const range = { from: q.from === undefined ? undefined : Date.parse(q.from), to: q.to === undefined ? undefined : Date.parse(q.to) };
    if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
      throw invalid([{ path: 'to', message: 'must be later than from' }]);
    }
    const labels = (q.label ?? []).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as const);
    const byRecord =
      q.name !== undefined || q.modelVersion !== undefined || q.suite !== undefined || q.status !== undefined || labels.length > 0;
    const matches = (run: RunRecord) => {
      const created = Date.parse(run.createdAt);
      return (
        (range.from === undefined || created >= range.from) &&
        (range.to === undefined || created < range.to) &&
        (q.name === undefined || run.name === q.name) &&
        (q.modelVersion === undefined || run.modelVersion === q.modelVersion) &&
        (q.suite === undefined || run.suite === q.suite) &&
        (q.status === undefined || run.status === q.status) &&
        labels.every(([k, v]) => run.labels[k] === v)
      );
    };

    const found: RunRecord[] = [];
    let position: RunIndexEntry | undefined = after;
    let examined = 0;
    let exhausted = false;
    while (found.length < q.limit && examined < RUNS_SCAN_BUDGET) {
      // unfiltered, a page needs exactly what is missing; filtered, runs are read in batches
      const want = byRecord ? RUNS_BATCH : q.limit - found.length;
      const batch = await this.index.page(position, want, range);
      const records = await Promise.all(batch.map((e) => this.runs.get(e.id)));
      let i = 0;
      for (; i < batch.length && found.length < q.limit && examined < RUNS_SCAN_BUDGET; i++) {
        examined++;
        position = batch[i];
        const run = records[i];
        // an index entry without its record (a run being deleted) is skipped
        if (run && matches(run)) found.push(run);
      }
      if (batch.length < want && i === batch.length) {
        exhausted = true;
        break;
      }
    }
    return {
      items: await Promise.all(found.map((run) => this.views.viewOf(run))),
      nextCursor: exhausted || !position ? null : encodeRunsCursor(position),
    };
  }

  /**
   * One page of a run's result stream: the records at offsets [cursor, flushed), read part by part (one
   * part in memory at a time), filtered. `flushed` is read from Redis after the run: a part is complete in
   * S3 before the aggregator counts it there, and the last part is flushed before the run reads closed.
   */
  async listResults(runId: string, query: unknown): Promise<ResultsPage> {
    const q = parseQuery(ListResultsQuery, query);
    const run = await this.intake.requireRun(runId);
    const flushed = Number((await this.redis.hget(runKeys(this.config.redis.prefix, runId).agg, 'flushed')) ?? 0);
    const [offset, hint] = (q.cursor ?? '0').split('.').map(Number) as [number, number | undefined];
    if (hint !== undefined && hint > offset) throw invalid([{ path: 'cursor', message: 'not a cursor this API issued' }]);
    const matches = (r: ResultRecord) =>
      (q.status === undefined || r.status === q.status) && (q.assetIdPrefix === undefined || r.assetId.startsWith(q.assetIdPrefix));

    const items: ResultRecord[] = [];
    let nextCursor: string | null = null;
    let examined = 0;
    let part = offset < flushed ? await this.partHolding(runId, offset, hint) : undefined;
    while (part) {
      const end = Math.min(part.start + part.lines.length, flushed);
      for (let i = Math.max(offset, part.start); i < end; i++) {
        examined++;
        const record = parseLine(part.lines[i - part.start], runId, part.start);
        if (matches(record)) items.push(record);
        if (items.length === q.limit || examined >= RESULTS_SCAN_BUDGET) {
          const next = i + 1;
          nextCursor = next >= flushed ? null : next < part.start + part.lines.length ? `${next}.${part.start}` : String(next);
          return { runId, runStatus: run.status, items, nextCursor, flushed, complete: run.status === 'closed' };
        }
      }
      if (end >= flushed) break;
      part = (await this.parts.read(runId, end)) ?? undefined;
      if (!part) throw partMissing(runId, end);
    }
    return { runId, runStatus: run.status, items, nextCursor, flushed, complete: run.status === 'closed' };
  }

  /** The part holding record `offset`: the part at `hint` (from a cursor) or at `offset`, else found by listing. */
  private async partHolding(runId: string, offset: number, hint: number | undefined): Promise<ResultPart> {
    const holds = (p: ResultPart | null): p is ResultPart => !!p && p.start <= offset && offset < p.start + p.lines.length;
    const guess = await this.parts.read(runId, hint ?? offset);
    if (holds(guess)) return guess;
    const starts = (await this.parts.starts(runId)).filter((s) => s <= offset);
    if (!starts.length) throw partMissing(runId, offset);
    const part = await this.parts.read(runId, starts[starts.length - 1]);
    if (!holds(part)) throw partMissing(runId, offset);
    return part;
  }
}

function parseLine(line: string, runId: string, start: number): ResultRecord {
  try {
    return JSON.parse(line) as ResultRecord;
  } catch {
    throw new AssayError(ErrorCode.Internal, `run ${runId}: the result part at ${start} holds a line that is not JSON`);
  }
}

/** Records below `flushed` are in parts by construction; a missing one means the bucket lost objects. */
function partMissing(runId: string, offset: number): AssayError {
  return new AssayError(ErrorCode.Internal, `run ${runId}: no result part holds record ${offset}, though it was flushed`);
}

/** Opaque to clients: `<score>:<runId>`, base64url. */
export function encodeRunsCursor(entry: RunIndexEntry): string {
  return Buffer.from(`${entry.score}:${entry.id}`, 'utf8').toString('base64url');
}

export function decodeRunsCursor(cursor: string): RunIndexEntry {
  const m = /^(\d{1,16}):(\S{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw invalid([{ path: 'cursor', message: 'not a cursor this API issued' }]);
  return { score: Number(m[1]), id: m[2] };
}

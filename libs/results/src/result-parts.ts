import { AssayError, ErrorCode, RunObjects, type ResultRecord } from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';

/** The records at stream offsets [start, start + lines.length) of a run. */
export interface ResultPart {
  start: number;
  lines: string[];
}

const PART_KEY = /\/part-(\d+)\.ndjson$/;

/**
 * A run's result stream as the aggregator wrote it: NDJSON parts named by the offset of their first record,
 * each holding the records that follow. Readers hold one part at a time (plus what they prefetch).
 */
export class ResultParts {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
  ) {}

  /** Offsets of the run's parts, ascending (one listing). */
  async starts(runId: string): Promise<number[]> {
    const keys = await this.store.list(this.bucket, RunObjects.resultsPrefix(runId));
    return keys
      .map((key) => PART_KEY.exec(key))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** The part starting at `start`, or null when there is none. */
  async read(runId: string, start: number): Promise<ResultPart | null> {
    const bytes = await this.store.get({ bucket: this.bucket, key: RunObjects.resultsPart(runId, start) }).catch((err: unknown) => {
      if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound) return null;
      throw err;
    });
    if (!bytes) return null;
    return { start, lines: Buffer.from(bytes).toString('utf8').split('\n').filter(Boolean) };
  }

  /**
   * Every record of a closed run, in stream order, with its offset: `count` records (the run's completed +
   * failed), read part by part with the next `prefetch` parts fetched ahead. Gaps, overlaps or a short
   * stream mean the bucket lost objects: an `internal_error`, never a silently partial answer. A line that is
   * not JSON is an `internal_error` too; readers that must get past one read `lines()`.
   */
  async *records(
    runId: string,
    count: number,
    options: { from?: number; to?: number; prefetch?: number } = {},
  ): AsyncGenerator<{
    offset: number;
    record: ResultRecord;
  }> {
    for await (const { offset, line, part } of this.lines(runId, count, options))
      yield { offset, record: parseLine(runId, line, part, offset) };
  }

  /** The same stream as `records()`, each record as its unparsed NDJSON line with the start of the part that holds it. */
  async *lines(
    runId: string,
    count: number,
    options: { from?: number; to?: number; prefetch?: number } = {},
  ): AsyncGenerator<{ offset: number; line: string; part: number }> {
    const from = options.from ?? 0;
    const to = Math.min(options.to ?? count, count);
    const starts = (await this.starts(runId)).filter((s) => s < to);
    const first = starts.findLastIndex((s) => s <= from);
    if (from < to && first < 0) throw lost(runId, from);
    const pending = starts.slice(Math.max(first, 0));
    const prefetch = Math.max(1, options.prefetch ?? 2);
    const inFlight: Promise<ResultPart | null>[] = [];
    const fill = () => {
      while (inFlight.length < prefetch && pending.length) {
        const part = this.read(runId, pending.shift()!);
        part.catch(() => undefined); // a reader that stops early must not leave a rejection unhandled
        inFlight.push(part);
      }
    };
    let expected = from;
    fill();
    while (inFlight.length && expected < to) {
      const part = await inFlight.shift()!;
      fill();
      if (!part || part.start > expected || part.start + part.lines.length <= expected) throw lost(runId, expected);
      const end = Math.min(part.start + part.lines.length, to);
      for (let offset = expected; offset < end; offset++) yield { offset, line: part.lines[offset - part.start], part: part.start };
      expected = end;
    }
    if (expected < to) throw lost(runId, expected);
  }
}

function parseLine(runId: string, line: string, part: number, offset: number): ResultRecord {
  try {
    return JSON.parse(line) as ResultRecord;
  } catch {
    throw new AssayError(ErrorCode.Internal, `run ${runId}: the result part at ${part} holds a line that is not JSON (record ${offset})`);
  }
}

/** Records below the flushed count are in parts by construction; a missing one means the bucket lost objects. */
function lost(runId: string, offset: number): AssayError {
  return new AssayError(ErrorCode.Internal, `run ${runId}: no result part holds record ${offset}, though it was written`);
}

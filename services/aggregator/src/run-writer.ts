import { RunObjects, type RunRecord, type RunSummary } from '@assay/contracts';
import { buildSummary, type RunAggregates } from '@assay/aggregation';
import { MetricCatalog } from '@assay/metric-catalog';
import type { Logger } from '@assay/observability';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { AggregatorMetrics } from './aggregator-metrics.js';

const LOCK_TTL_MS = 60_000;

export class RunBusyError extends Error {
  override name = 'RunBusyError';
}

/** Writes a run's result parts and summary to object storage, one replica at a time per run. */
export class RunWriter {
  constructor(
    private readonly runs: RunStore,
    private readonly aggregates: RunAggregates,
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly partMaxRecords: number,
    private readonly metrics: AggregatorMetrics,
    private readonly logger: Logger,
    private readonly catalog = MetricCatalog.load(),
    /** called once the run's final objects are stored, before it is marked closed (queues post-close work) */
    private readonly beforeClosed: (run: RunRecord) => Promise<void> = async () => {},
  ) {}

  /** Buffered records → `results/part-<offset>.ndjson`. Rewriting a part after a crash yields the same key. */
  private async flushParts(runId: string): Promise<void> {
    for (;;) {
      const { offset, lines } = await this.aggregates.buffered(runId, this.partMaxRecords);
      if (!lines.length) return;
      await this.store.put(
        { bucket: this.bucket, key: RunObjects.resultsPart(runId, offset) },
        `${lines.join('\n')}\n`,
        'application/x-ndjson',
      );
      await this.aggregates.advance(runId, offset, lines.length);
      this.metrics.parts.inc();
    }
  }

  private async writeSummary(run: RunRecord): Promise<RunSummary> {
    const runId = run.id;
    const [counts, state] = await Promise.all([this.runs.counts(runId), this.aggregates.state(runId)]);
    const summary = buildSummary(run, counts, state, this.bucket, this.catalog);
    await this.store.put({ bucket: this.bucket, key: RunObjects.summary(runId) }, JSON.stringify(summary, null, 2), 'application/json');
    this.metrics.summaries.inc({ final: String(summary.final) });
    return summary;
  }

  /**
   * Periodic refresh of a dirty run; if another replica holds it, it stays dirty for the next tick. A closed
   * run's final summary is written once, by `maybeFinalize`, and never rewritten: readers of a closed run
   * must not meet a summary in the middle of a rewrite (object stores without atomic PUT, like s3rver).
   */
  async refresh(runId: string): Promise<void> {
    const r = await this.aggregates.withLock(runId, LOCK_TTL_MS, async () => {
      await this.flushParts(runId);
      const run = await this.runs.get(runId);
      if (run && run.status !== 'closed') await this.writeSummary(run);
    });
    if (!r.locked) await this.aggregates.markDirty(runId);
  }

  /**
   * Closes a run once it was asked to close and every accepted asset has a result: flush everything,
   * write the final summary, mark it closed. Returns whether the run is closed.
   */
  async maybeFinalize(runId: string): Promise<boolean> {
    const run = await this.runs.get(runId);
    if (!run || run.status === 'open') return false;
    const counts = await this.runs.counts(runId);
    if (counts.awaitingContent > 0 || counts.completed + counts.failed < counts.submitted) return false;
    if (run.status === 'closed') return true;
    const r = await this.aggregates.withLock(runId, LOCK_TTL_MS, async () => {
      // another writer may have closed the run since it was read above: its final summary is never rewritten
      if ((await this.runs.get(runId))?.status !== 'closing') return undefined;
      await this.flushParts(runId);
      // the final summary and the run record are complete in storage before anyone can see the run closed
      const closedAt = new Date().toISOString();
      const closed: RunRecord = { ...run, status: 'closed', closedAt };
      const summary = await this.writeSummary(closed);
      await this.store.put({ bucket: this.bucket, key: RunObjects.run(runId) }, JSON.stringify(closed, null, 2), 'application/json');
      // a failure here leaves the run closing: the retry queues again (the job id makes it once)
      await this.beforeClosed(closed);
      await this.runs.markClosed(runId, closedAt);
      return summary;
    });
    if (!r.locked) throw new RunBusyError(`run ${runId} is being written by another aggregator; retrying`);
    if (r.value) this.logger.info({ runId, counts: r.value.counts }, 'run closed; final summary written');
    return true;
  }
}

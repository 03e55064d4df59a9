import { Inject, Injectable } from '@nestjs/common';
import { AssayError, ErrorCode, parseOrThrow, TriggerSweepRequest, type SweepRunRecord } from '@assay/contracts';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import {
  beginSweepRun,
  dateIn,
  nextRunAt,
  type SweepCatalog,
  type SweepDefinition,
  type SweepDetail,
  type SweepStore,
  type SweepView,
} from '@assay/sweeps';
import { LOGGER, QUEUES, SWEEP_STORE, SWEEPS } from '../tokens.js';

/** Runs of a sweep a detail view shows. */
const RECENT_RUNS = 30;

/** Nightly sweeps as configured (SWEEPS_DIR, SWEEPS_URI), their runs from Redis, and runs by hand. */
@Injectable()
export class SweepsService {
  constructor(
    @Inject(SWEEPS) private readonly sweeps: SweepCatalog,
    @Inject(SWEEP_STORE) private readonly store: SweepStore,
    @Inject(QUEUES) private readonly queues: QueueSet,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  list(): Promise<SweepView[]> {
    return Promise.all(this.sweeps.list().map((s) => this.view(s)));
  }

  async one(name: string): Promise<SweepDetail> {
    const sweep = this.require(name);
    return { ...(await this.view(sweep)), runs: await this.store.recent(name, RECENT_RUNS) };
  }

  /**
   * Begins a run of the sweep now, for `date` or the date its schedule would give now. A date with a run in
   * progress or done is refused (`sweep_run_exists`); a failed one is run again as a new attempt.
   */
  async trigger(name: string, body: unknown, requestId: string): Promise<SweepRunRecord> {
    const sweep = this.require(name);
    const req = parseOrThrow(TriggerSweepRequest, body ?? {});
    const date = req.date ?? dateIn(new Date(), sweep.schedule.timezone, sweep.manifest.dateOffsetDays);
    const { started, record } = await beginSweepRun({ store: this.store, queues: this.queues }, sweep, date, 'manual');
    if (!started)
      throw new AssayError(
        ErrorCode.SweepRunExists,
        `sweep ${name} already has a run for ${date} (${record.state}); only a failed date runs again`,
        [{ path: 'date', message: `attempt ${record.attempt} is ${record.state}` }],
      );
    this.logger.info({ requestId, sweep: name, date, attempt: record.attempt }, 'sweep triggered');
    return record;
  }

  private require(name: string): SweepDefinition {
    const sweep = this.sweeps.get(name);
    if (!sweep) throw new AssayError(ErrorCode.SweepNotFound, `no sweep ${name}; GET /v1/sweeps lists them`);
    return sweep;
  }

  private async view(sweep: SweepDefinition): Promise<SweepView> {
    const [lastRun] = await this.store.recent(sweep.name, 1);
    return {
      ...sweep,
      nextRunAt: nextRunAt(sweep.schedule.cron, sweep.schedule.timezone, new Date()).toISOString(),
      lastRun: lastRun ?? null,
      lastSuccess: (await this.store.lastSuccess(sweep.name)) ?? null,
    };
  }
}

import { AdvanceSweepPayload, ErrorCode, parseOrThrow, SweepTickPayload } from '@assay/contracts';
import { isFinalAttempt, RescheduleJob, type JobHandler, type QueueSet } from '@assay/queue';
import { beginSweepRun, dateIn, type SweepCatalog, type SweepStore } from '@assay/sweeps';
import type { SweepRunner } from './sweep-runner.js';

export interface SweepHandlerDeps {
  sweeps: SweepCatalog;
  store: SweepStore;
  queues: QueueSet;
  runner: SweepRunner;
  pollIntervalMs: number;
}

/**
 * `sweep-tick`: the schedule fired. The job scheduler adds one job per tick whichever replicas upserted it, and
 * the sweep run is keyed by its date, so a tick handled twice (a retry) still begins the date's run once.
 */
export function sweepTickHandler(deps: SweepHandlerDeps): JobHandler<'sweep-tick'> {
  return async (job, log) => {
    const { sweep: name } = parseOrThrow(SweepTickPayload, job.data, ErrorCode.InvalidPayload);
    const sweep = deps.sweeps.get(name);
    if (!sweep) return { skipped: `sweep ${name} is not configured here` };
    // the time the tick was scheduled for, not when a busy worker got to it: a 23:59 tick stays on its day
    const firedAt = new Date(job.timestamp + (job.opts.delay ?? 0));
    const date = dateIn(firedAt, sweep.schedule.timezone, sweep.manifest.dateOffsetDays);
    const { started, record } = await beginSweepRun(deps, sweep, date, 'schedule');
    log.info({ sweep: name, date, attempt: record.attempt, started }, started ? 'sweep run begun' : 'sweep run of this date exists');
    return { date, started };
  };
}

/** `advance-sweep`: steps a sweep run on; while it waits the job re-schedules itself rather than holding a worker. */
export function advanceSweepHandler(deps: SweepHandlerDeps): JobHandler<'advance-sweep'> {
  return async (job, log) => {
    const payload = parseOrThrow(AdvanceSweepPayload, job.data, ErrorCode.InvalidPayload);
    try {
      if ((await deps.runner.advance(payload, log)) === 'wait') throw new RescheduleJob(deps.pollIntervalMs);
      return { finished: true };
    } catch (err) {
      if (!(err instanceof RescheduleJob) && isFinalAttempt(job, err))
        await deps.runner.failForGood(
          payload,
          { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) },
          log,
        );
      throw err;
    }
  };
}

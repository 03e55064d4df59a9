import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_JOB_OPTIONS, JobName, QueueName, sweepSchedulerId } from '@assay/contracts';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { SweepCatalog } from '@assay/sweeps';

const SCHEDULER_PREFIX = sweepSchedulerId('');
const RETRY_MS = 5_000;

/**
 * Upserts one BullMQ job scheduler per configured sweep (same id on every replica, so they share one schedule
 * and each tick is one job) and removes the schedulers of sweeps no longer configured. Replicas must run the same
 * sweep files: during a rollout that changes them, the last replica to start wins. Retried until Redis takes it.
 */
export async function syncSweepSchedulers(queues: QueueSet, sweeps: SweepCatalog, logger: Logger, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      return await upsertSchedulers(queues, sweeps, logger);
    } catch (err) {
      logger.warn({ err, retryInMs: RETRY_MS }, 'could not upsert the sweep schedules; will retry');
      await sleep(RETRY_MS, undefined, { signal }).catch(() => undefined);
    }
  }
}

async function upsertSchedulers(queues: QueueSet, sweeps: SweepCatalog, logger: Logger): Promise<void> {
  const queue = queues.get(QueueName.Sweeps);
  for (const sweep of sweeps.list()) {
    await queue.upsertJobScheduler(
      sweepSchedulerId(sweep.name),
      { pattern: sweep.schedule.cron, tz: sweep.schedule.timezone },
      { name: JobName.SweepTick, data: { sweep: sweep.name }, opts: DEFAULT_JOB_OPTIONS },
    );
  }
  const configured = new Set(sweeps.list().map((s) => sweepSchedulerId(s.name)));
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const id = scheduler.key;
    if (id.startsWith(SCHEDULER_PREFIX) && !configured.has(id)) {
      await queue.removeJobScheduler(id);
      logger.info({ scheduler: id }, 'removed the schedule of a sweep that is no longer configured');
    }
  }
  logger.info({ sweeps: sweeps.list().map((s) => s.name) }, 'sweep schedules upserted');
}

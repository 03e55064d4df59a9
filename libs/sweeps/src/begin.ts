import {
  JobName,
  newComparisonId,
  newRunId,
  QueueName,
  sweepRunJobId,
  type AdvanceSweepPayload,
  type SweepRunRecord,
} from '@assay/contracts';
import type { QueueSet } from '@assay/queue';
import { manifestUriFor, parseDuration } from './calendar.js';
import type { SweepDefinition } from './schema.js';
import { mayBegin } from './state-machine.js';
import type { SweepStore } from './sweep-store.js';

export const advanceSweepJob = (record: Pick<SweepRunRecord, 'sweep' | 'date' | 'attempt'>) => {
  const data: AdvanceSweepPayload = { sweep: record.sweep, date: record.date, attempt: record.attempt };
  return { name: JobName.AdvanceSweep, data, opts: { jobId: sweepRunJobId(record.sweep, record.date, record.attempt) } };
};

/**
 * Begins a sweep run for `date` (a scheduled tick, or a trigger by hand): the record with its run and comparison
 * ids chosen up front, then its state-machine job (id per sweep, date and attempt). A date that already has a run
 * gets its job added again, which is a no-op unless a crash came between the two writes; only a failed date may
 * begin again, and only by hand.
 */
export async function beginSweepRun(
  deps: { store: SweepStore; queues: QueueSet },
  sweep: SweepDefinition,
  date: string,
  trigger: SweepRunRecord['trigger'],
  now = Date.now(),
): Promise<{ started: boolean; record: SweepRunRecord }> {
  const existing = await deps.store.get(sweep.name, date);
  const queue = async (r: SweepRunRecord) => {
    const job = advanceSweepJob(r);
    await deps.queues.add(QueueName.Sweeps, job.name, job.data, job.opts);
  };
  if (existing && !mayBegin(existing, trigger)) {
    if (existing.state !== 'done' && existing.state !== 'failed') await queue(existing);
    return { started: false, record: existing };
  }
  const record: SweepRunRecord = {
    sweep: sweep.name,
    date,
    attempt: (existing?.attempt ?? 0) + 1,
    trigger,
    state: 'submitting',
    createdAt: new Date(now).toISOString(),
    deadline: new Date(now + parseDuration(sweep.deadline)!).toISOString(),
    manifestUri: manifestUriFor(sweep.manifest.uri, date),
    runId: newRunId(now),
    comparisonId: newComparisonId(now),
  };
  if (!(await deps.store.begin(record))) return { started: false, record: (await deps.store.get(sweep.name, date))! };
  await queue(record);
  return { started: true, record };
}

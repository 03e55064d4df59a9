import type { ComparisonStatus, FailureReason, RunCounts, RunStatus, SweepRunRecord, SweepRunState } from '@assay/contracts';

/** What the runner has looked up for the record's current state (only what that state needs). */
export interface SweepFacts {
  now: number;
  /** scoring: the run's counts */
  counts?: RunCounts;
  /** closing: the run's status */
  runStatus?: RunStatus;
  /** comparing: the comparison's state, once one was asked for */
  comparison?: { status: ComparisonStatus; error?: FailureReason };
}

/**
 * The next thing to do for a sweep run. Every action is idempotent (the run and comparison ids are chosen when
 * the sweep run begins; submissions are deduped by asset id), so a step repeated after a crash does nothing twice.
 */
export type SweepAction =
  /** create the run (once) and submit the manifest from `submitted` on; then `scoring` */
  | { kind: 'submit' }
  /** nothing to do until later: the job re-schedules itself */
  | { kind: 'wait' }
  /** move on to `to` */
  | { kind: 'advance'; to: SweepRunState }
  /** the deadline passed: fail the assets without a result (`sweep_deadline_exceeded`), then `closing` */
  | { kind: 'expire' }
  /** ask for the run to close (again, if need be: it is deduped), then wait */
  | { kind: 'close' }
  /** resolve the baseline and ask for the comparison (or, without a baseline, publish without a verdict) */
  | { kind: 'compare' }
  /** write the outcome, remember the success: `done` */
  | { kind: 'publish' }
  | { kind: 'fail'; error: FailureReason }
  | { kind: 'finished' };

/** The facts a state needs before `nextAction` can decide. */
export const FACTS_BY_STATE: Record<SweepRunState, readonly (keyof SweepFacts)[]> = {
  submitting: [],
  scoring: ['counts'],
  closing: ['runStatus'],
  comparing: ['comparison'],
  done: [],
  failed: [],
};

export function nextAction(record: SweepRunRecord, facts: SweepFacts): SweepAction {
  switch (record.state) {
    case 'submitting':
      return { kind: 'submit' };
    case 'scoring': {
      const counts = facts.counts!;
      if (counts.pending + counts.awaitingContent === 0) return { kind: 'advance', to: 'closing' };
      return facts.now >= Date.parse(record.deadline) ? { kind: 'expire' } : { kind: 'wait' };
    }
    case 'closing':
      return facts.runStatus === 'closed' ? { kind: 'advance', to: 'comparing' } : { kind: 'close' };
    case 'comparing': {
      const c = facts.comparison;
      if (!c) return { kind: 'compare' };
      if (c.status === 'done') return { kind: 'publish' };
      if (c.status === 'failed') return { kind: 'fail', error: c.error ?? { code: 'internal_error', message: 'the comparison failed' } };
      return { kind: 'wait' };
    }
    case 'done':
    case 'failed':
      return { kind: 'finished' };
  }
}

/** Whether a new attempt may start for a date that already has `existing`: only after a failure, and only by hand. */
export function mayBegin(existing: SweepRunRecord | undefined, trigger: SweepRunRecord['trigger']): boolean {
  return !existing || (existing.state === 'failed' && trigger === 'manual');
}

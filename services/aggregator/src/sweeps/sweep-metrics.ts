import { Counter, Gauge, type Registry } from 'prom-client';
import type { SweepCatalog, SweepStore } from '@assay/sweeps';
import { zeroSeries } from '@assay/observability';
import { VERDICT_VALUE } from '../analysis-metrics.js';

/** The `outcome` label of `assay_sweep_runs_total`: a verdict, `no_baseline` (a first run), or `failed`. */
export const SWEEP_OUTCOMES = ['GO', 'NO_GO', 'INCONCLUSIVE', 'no_baseline', 'failed'] as const;
export type SweepOutcomeLabel = (typeof SWEEP_OUTCOMES)[number];

/**
 * Sweep gauges are read from Redis at scrape time, so every aggregator replica reports the same values and a
 * restart loses nothing (aggregate with `max by (sweep)`). Labels are the configured sweep names: bounded.
 */
export function createSweepMetrics(registry: Registry, sweeps: SweepCatalog, store: SweepStore) {
  const lastSuccesses = () => Promise.all(sweeps.list().map(async (s) => ({ sweep: s.name, success: await store.lastSuccess(s.name) })));
  new Gauge({
    name: 'assay_sweep_last_verdict',
    help: "Verdict of each sweep's last successful run: 1 GO, 0 NO_GO, -1 INCONCLUSIVE (none before its first comparison).",
    labelNames: ['sweep'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { sweep, success } of await lastSuccesses()) if (success?.verdict) this.set({ sweep }, VERDICT_VALUE[success.verdict]);
    },
  });
  new Gauge({
    name: 'assay_sweep_last_success_timestamp_seconds',
    help: "When each sweep's last successful run published its outcome (unix seconds).",
    labelNames: ['sweep'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { sweep, success } of await lastSuccesses()) if (success) this.set({ sweep }, Date.parse(success.finishedAt) / 1000);
    },
  });
  const runs = new Counter({
    name: 'assay_sweep_runs_total',
    help: 'Sweep runs this process finished, by sweep and outcome (GO, NO_GO, INCONCLUSIVE, no_baseline, failed).',
    labelNames: ['sweep', 'outcome'],
    registers: [registry],
  });
  zeroSeries(runs, { sweep: sweeps.list().map((s) => s.name), outcome: [...SWEEP_OUTCOMES] });
  return { runs };
}
export type SweepMetrics = ReturnType<typeof createSweepMetrics>;

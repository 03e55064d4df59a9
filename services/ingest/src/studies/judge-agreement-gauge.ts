import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '@assay/observability';
import type { StudyStore } from '@assay/studies';

/** Studies the gauge reports, newest first: the `study` label stays bounded however many studies there are. */
export const GAUGE_STUDIES = 20;

/**
 * `assay_judge_human_agreement{score,study}`: each automated score's agreement with the humans in the latest
 * analysis of each recent study (Spearman ρ oriented to the score's better direction, or pairwise accuracy).
 * Read from Redis at scrape time, so every ingest replica reports the same values.
 */
export function registerJudgeAgreementGauge(registry: Registry, studies: StudyStore, logger: Logger): void {
  new Gauge({
    name: 'assay_judge_human_agreement',
    help: 'Agreement of an automated score with human raters in a study: Spearman rho (positive = agrees) or pairwise accuracy.',
    labelNames: ['score', 'study'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const recent = new Set(await studies.list(GAUGE_STUDIES));
        for (const c of await studies.calibrations()) if (recent.has(c.studyId)) this.set({ score: c.score, study: c.studyId }, c.value);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'judge agreement gauge not refreshed: Redis unavailable');
      }
    },
  });
}

import { Counter, Summary, type Registry } from 'prom-client';
import type { ResultRecord } from '@assay/contracts';

/** Model versions that keep quality series at once, per process: the label stays bounded. */
export const MAX_MODEL_VERSIONS = 20;

type AssetLabels = 'suite' | 'model_version' | 'result';
type ScoreLabels = 'suite' | 'model_version' | 'score';

/**
 * Quality as time series, so Grafana shows it drifting and not only queue health. For every asset counted
 * with threshold checks, per suite and model version: whether it passed (`assay_quality_assets_total{result}`)
 * and the value of each thresholded score (`assay_quality_score`, a summary without quantiles: `rate(_sum) /
 * rate(_count)` is the mean of the assets completed in any window). Model versions are open-ended, so only
 * the MAX_MODEL_VERSIONS most recently seen keep their series; an older one's are removed.
 */
export class QualityMetrics {
  private readonly assets: Counter<AssetLabels>;
  private readonly scores: Summary<ScoreLabels>;
  /** model version → the label sets it created, least recently seen first */
  private readonly versions = new Map<
    string,
    { assets: Map<string, Record<AssetLabels, string>>; scores: Map<string, Record<ScoreLabels, string>> }
  >();

  constructor(registry: Registry) {
    this.assets = new Counter({
      name: 'assay_quality_assets_total',
      help: `Assets counted with threshold checks, by suite, model version (the ${MAX_MODEL_VERSIONS} most recent) and result (pass, fail).`,
      labelNames: ['suite', 'model_version', 'result'],
      registers: [registry],
    });
    this.scores = new Summary({
      name: 'assay_quality_score',
      help: `Values of thresholded scores of counted assets, by suite, model version (the ${MAX_MODEL_VERSIONS} most recent) and score.`,
      labelNames: ['suite', 'model_version', 'score'],
      percentiles: [],
      registers: [registry],
    });
  }

  /** Call once per asset, when its record is counted (never for redeliveries). */
  observe(record: ResultRecord): void {
    const checks = record.checks;
    if (record.status !== 'completed' || !checks) return;
    const series = this.seriesOf(record.modelVersion);
    const base = { suite: record.suite, model_version: record.modelVersion };
    const result = { ...base, result: checks.pass ? 'pass' : 'fail' };
    series.assets.set(`${record.suite}\u0000${result.result}`, result);
    this.assets.inc(result);
    for (const score of [...checks.passed, ...checks.failures.map((f) => f.score)]) {
      const value = record.scores[score];
      // a floor or cap is no measurement: it stays out of the mean, as in the run summary
      if (value === undefined || record.censored?.[score]) continue;
      const labels = { ...base, score };
      series.scores.set(`${record.suite}\u0000${score}`, labels);
      this.scores.observe(labels, value);
    }
  }

  private seriesOf(version: string) {
    let series = this.versions.get(version);
    if (series)
      this.versions.delete(version); // re-inserted below: most recently seen last
    else series = { assets: new Map(), scores: new Map() };
    this.versions.set(version, series);
    while (this.versions.size > MAX_MODEL_VERSIONS) {
      const [oldest, old] = this.versions.entries().next().value!;
      for (const labels of old.assets.values()) this.assets.remove(labels);
      for (const labels of old.scores.values()) this.scores.remove(labels);
      this.versions.delete(oldest);
    }
    return series;
  }
}

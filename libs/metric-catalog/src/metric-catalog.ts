import { readFileSync } from 'node:fs';
import { MetricCatalogData, type MetricCatalogEntry, type Modality, type ScoreSpec } from '@assay/contracts';

/** Generated from the metric implementations by `npm run catalog`; a test keeps it equal to them. */
export const METRIC_CATALOG_FILE = new URL('../metric-catalog.json', import.meta.url);

/** What a flattened score key (`metric.score`, or `metric.score.stat` for per-frame statistics) is. */
export interface ScoreInfo extends ScoreSpec {
  /** the flattened key as results carry it */
  name: string;
  metric: string;
  metricVersion: string;
  modality: Modality;
  /** for `<metric>.<score>.<stat>`: the statistic over a video's frames */
  frameStat?: string;
}

/**
 * Every per-asset metric's static description, read from data: ingest, the aggregator and comparisons learn a
 * score's direction, range and unit here without loading the scoring code (or its models).
 */
export class MetricCatalog {
  private readonly byName: Map<string, MetricCatalogEntry>;

  constructor(private readonly data: MetricCatalogData) {
    this.byName = new Map(data.metrics.map((m) => [m.name, m]));
  }

  /** The catalog shipped with this build. */
  static load(): MetricCatalog {
    return new MetricCatalog(MetricCatalogData.parse(JSON.parse(readFileSync(METRIC_CATALOG_FILE, 'utf8'))));
  }

  all(): readonly MetricCatalogEntry[] {
    return this.data.metrics;
  }

  metric(name: string): MetricCatalogEntry | undefined {
    return this.byName.get(name);
  }

  /** The statistics an image metric's score is reported as in video suites, by the score's direction. */
  frameStats(): MetricCatalogData['frameStats'] {
    return this.data.frameStats;
  }

  /** A flattened score key of a result record, or undefined when no metric reports it. */
  score(name: string): ScoreInfo | undefined {
    const [metricName, key, stat, ...rest] = name.split('.');
    const metric = this.byName.get(metricName);
    const spec = metric?.scores.find((s) => s.key === key);
    if (!metric || !spec || rest.length) return undefined;
    const info: ScoreInfo = { ...spec, name, metric: metric.name, metricVersion: metric.version, modality: metric.modality };
    if (stat === undefined) return info;
    if (metric.modality !== 'image' || !this.data.frameStats[spec.direction]?.includes(stat)) return undefined;
    return { ...info, frameStat: stat, description: `${spec.description} (${stat} over the sampled frames or rendered views)` };
  }
}

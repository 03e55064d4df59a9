import { readdir } from 'node:fs/promises';
import type { MetricDefinition } from './metric.js';

const SEMVER = /^\d+\.\d+\.\d+$/;
/** one folder of metric modules per modality */
const METRIC_FOLDERS = ['image', 'video', 'audio'] as const;
const NAME = /^[a-z][a-z0-9_]*$/;

function check(def: MetricDefinition, file: string): string[] {
  const problems: string[] = [];
  if (!def || typeof def.compute !== 'function') return [`${file}: no default-exported metric definition`];
  if (!NAME.test(def.name)) problems.push(`${file}: name "${def.name}" must be lower_snake_case`);
  if (!SEMVER.test(def.version)) problems.push(`${file}: version "${def.version}" must be x.y.z`);
  const keys = new Set<string>();
  for (const s of def.scores ?? []) {
    if (!NAME.test(s.key)) problems.push(`${file}: score key "${s.key}" must be lower_snake_case`);
    if (keys.has(s.key)) problems.push(`${file}: score key "${s.key}" repeated`);
    keys.add(s.key);
    if (s.range[0] !== null && s.range[1] !== null && s.range[1] < s.range[0]) problems.push(`${file}: score ${s.key} has an empty range`);
  }
  const prints = new Set<string>();
  for (const f of def.fingerprints ?? []) {
    if (!NAME.test(f)) problems.push(`${file}: fingerprint key "${f}" must be lower_snake_case`);
    if (prints.has(f)) problems.push(`${file}: fingerprint key "${f}" repeated`);
    prints.add(f);
  }
  if (!keys.size && !prints.size) problems.push(`${file}: declares no scores or fingerprints`);
  return problems;
}

/** A metric with the parameters a suite gave it (validated, defaults filled). */
export interface ResolvedMetric {
  def: MetricDefinition;
  params: Record<string, unknown>;
}

export interface ResolvedThreshold {
  /** `metric.score` */
  score: string;
  min?: number;
  max?: number;
}

/** A suite checked against the registry: metrics with parameters, thresholds, and what it needs. */
export interface ResolvedSuite {
  name: string;
  metrics: ResolvedMetric[];
  thresholds: ResolvedThreshold[];
  models: string[];
  files: string[];
}

export interface SuiteLike {
  name: string;
  source: string;
  metrics: { metric: string; params: Record<string, unknown>; thresholds: Record<string, { min?: number; max?: number }> }[];
}

/** Every metric the workers can run, discovered from the metric folders and checked once at start-up. */
export class MetricRegistry {
  private constructor(private readonly byName: Map<string, MetricDefinition>) {}

  /** Loads every module in `<modality>/metrics/` (compiled). Throws listing all problems at once. */
  static async load(): Promise<MetricRegistry> {
    const byName = new Map<string, MetricDefinition>();
    const problems: string[] = [];
    for (const modality of METRIC_FOLDERS) {
      const dir = new URL(`./${modality}/metrics/`, import.meta.url);
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.js')).sort();
      for (const file of files) {
        const mod = (await import(new URL(file, dir).href)) as { default: MetricDefinition };
        const def = mod.default;
        const at = `${modality}/metrics/${file}`;
        const issues = check(def, at);
        if (!issues.length && def.modality !== modality) issues.push(`${at}: modality ${def.modality} in the ${modality} folder`);
        if (!issues.length && byName.has(def.name)) issues.push(`${at}: metric name "${def.name}" already taken`);
        problems.push(...issues);
        if (!issues.length) byName.set(def.name, def);
      }
    }
    if (problems.length) throw new Error(`metric registry:\n  ${problems.join('\n  ')}`);
    return new MetricRegistry(byName);
  }

  get(name: string): MetricDefinition | undefined {
    return this.byName.get(name);
  }

  all(): MetricDefinition[] {
    return [...this.byName.values()];
  }

  /**
   * Checks a suite against the metrics: names exist, parameters pass each metric's schema, thresholds name
   * real scores. Throws one error listing every problem, prefixed with the suite's source.
   */
  resolveSuite(suite: SuiteLike): ResolvedSuite {
    const problems: string[] = [];
    const metrics: ResolvedMetric[] = [];
    const thresholds: ResolvedThreshold[] = [];
    for (const entry of suite.metrics) {
      const def = this.byName.get(entry.metric);
      if (!def) {
        problems.push(`unknown metric ${entry.metric}`);
        continue;
      }
      let params: Record<string, unknown> = {};
      if (def.params) {
        const parsed = def.params.safeParse(entry.params);
        if (parsed.success) params = parsed.data;
        else problems.push(...parsed.error.issues.map((i) => `${def.name}.params.${i.path.join('.')}: ${i.message}`));
      } else if (Object.keys(entry.params).length) {
        problems.push(`${def.name} takes no params`);
      }
      for (const [key, t] of Object.entries(entry.thresholds)) {
        if (!def.scores.some((s) => s.key === key)) problems.push(`${def.name}.thresholds: ${def.name} has no score ${key}`);
        else thresholds.push({ score: `${def.name}.${key}`, ...t });
      }
      metrics.push({ def, params });
    }
    if (problems.length) throw new Error(`suite ${suite.name} (${suite.source}): ${problems.join('; ')}`);
    const defs = metrics.map((m) => m.def);
    return {
      name: suite.name,
      metrics,
      thresholds,
      models: [...new Set(metrics.flatMap((m) => [...(m.def.needs.models ?? []), ...(m.def.modelsFor?.(m.params) ?? [])]))],
      files: [...new Set(defs.flatMap((d) => d.needs.files ?? []))],
    };
  }
}

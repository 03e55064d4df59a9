import { readdir } from 'node:fs/promises';
import type { MetricDefinition } from './metric.js';

const SEMVER = /^\d+\.\d+\.\d+$/;
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
    if (s.range[1] !== null && s.range[1] < s.range[0]) problems.push(`${file}: score ${s.key} has an empty range`);
  }
  if (!keys.size) problems.push(`${file}: declares no scores`);
  return problems;
}

/** Every metric the workers can run, discovered from the metric folders and checked once at start-up. */
export class MetricRegistry {
  private constructor(private readonly byName: Map<string, MetricDefinition>) {}

  /** Loads every module in `image/metrics/` (compiled). Throws listing all problems at once. */
  static async load(): Promise<MetricRegistry> {
    const dir = new URL('./image/metrics/', import.meta.url);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.js')).sort();
    const byName = new Map<string, MetricDefinition>();
    const problems: string[] = [];
    for (const file of files) {
      const mod = (await import(new URL(file, dir).href)) as { default: MetricDefinition };
      const def = mod.default;
      const issues = check(def, file);
      if (!issues.length && byName.has(def.name)) issues.push(`${file}: metric name "${def.name}" already taken`);
      problems.push(...issues);
      if (!issues.length) byName.set(def.name, def);
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

  /** Resolves a suite's metric names; unknown names are a start-up error, not a job failure. */
  resolve(names: string[]): MetricDefinition[] {
    const missing = names.filter((n) => !this.byName.has(n));
    if (missing.length) throw new Error(`unknown metrics: ${missing.join(', ')}`);
    return names.map((n) => this.byName.get(n)!);
  }

  modelsNeeded(metrics: MetricDefinition[]): string[] {
    return [...new Set(metrics.flatMap((m) => m.needs.models ?? []))];
  }
}

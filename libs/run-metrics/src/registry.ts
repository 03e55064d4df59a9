import { readdir } from 'node:fs/promises';
import type { RunMetricDefinition } from './run-metric.js';

const NAME = /^[a-z][a-z0-9_]*$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

function check(def: RunMetricDefinition, file: string): string[] {
  if (!def || typeof def.compute !== 'function') return [`${file}: no default-exported run-level metric definition`];
  const problems: string[] = [];
  if (!NAME.test(def.name)) problems.push(`${file}: name "${def.name}" must be lower_snake_case`);
  if (!SEMVER.test(def.version)) problems.push(`${file}: version "${def.version}" must be x.y.z`);
  if (def.scope !== 'run' && def.scope !== 'comparison') problems.push(`${file}: scope must be run or comparison`);
  for (const fn of ['init', 'update', 'merge'] as const) if (typeof def[fn] !== 'function') problems.push(`${file}: no ${fn}()`);
  if (!def.result || typeof def.result.safeParse !== 'function') problems.push(`${file}: no result schema`);
  if (!def.description) problems.push(`${file}: no description`);
  for (const input of def.inputs ?? []) if (input !== 'embeddings') problems.push(`${file}: unknown input ${String(input)}`);
  if (def.artifacts && def.scope !== 'run') problems.push(`${file}: only run-scope metrics leave artifacts`);
  return problems;
}

/** Every run-level metric, discovered from `metrics/` and checked once at start-up (like per-asset metrics). */
export class RunMetricRegistry {
  private constructor(private readonly byName: Map<string, RunMetricDefinition>) {}

  static async load(): Promise<RunMetricRegistry> {
    const dir = new URL('./metrics/', import.meta.url);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.js')).sort();
    const byName = new Map<string, RunMetricDefinition>();
    const problems: string[] = [];
    for (const file of files) {
      const def = ((await import(new URL(file, dir).href)) as { default: RunMetricDefinition }).default;
      const issues = check(def, `metrics/${file}`);
      if (!issues.length && byName.has(def.name)) issues.push(`metrics/${file}: run-level metric name "${def.name}" already taken`);
      problems.push(...issues);
      if (!issues.length) byName.set(def.name, def);
    }
    if (problems.length) throw new Error(`run-level metric registry:\n  ${problems.join('\n  ')}`);
    return new RunMetricRegistry(byName);
  }

  get(name: string): RunMetricDefinition | undefined {
    return this.byName.get(name);
  }

  /** The metrics of one scope, by name. */
  ofScope(scope: RunMetricDefinition['scope']): RunMetricDefinition[] {
    return [...this.byName.values()].filter((m) => m.scope === scope).sort((a, b) => a.name.localeCompare(b.name));
  }
}

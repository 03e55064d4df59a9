import { readdir } from 'node:fs/promises';
import { MODALITIES, MODALITY_DESCRIPTORS, type LengthUnit, type Modality } from '@assay/contracts';
import { frameStatsFor } from './frame-stats.js';
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
  /**
   * an image metric in a suite of a modality that samples images (video frames, rendered views): run on each,
   * reported as statistics over them
   */
  perSample?: boolean;
}

export interface ResolvedThreshold {
  /** `metric.score` */
  score: string;
  min?: number;
  max?: number;
  /** a safety check: failing it flags the asset */
  safety?: boolean;
}

/** A suite checked against the registry: metrics with parameters, thresholds, and what it needs. */
export interface ResolvedSuite {
  name: string;
  modality: Modality;
  /** video suites: the frame sampling and analysis size (defaults filled by the suite schema) */
  video?: VideoSuiteOptions;
  /** 3D suites: units and the turntable views (defaults filled by the suite schema) */
  mesh?: MeshSuiteOptions;
  metrics: ResolvedMetric[];
  thresholds: ResolvedThreshold[];
  models: string[];
  files: string[];
  /** video: some metric reads full-colour frames (a per-frame image metric, or `needs.samples`); 3D: views are rendered */
  needsSamples: boolean;
  /** some metric compares with a reference asset */
  needsReference: boolean;
}

export interface VideoSuiteOptions {
  sampling: { mode: 'uniform'; count: number } | { mode: 'fps'; fps: number } | { mode: 'all' };
  analysisMaxSide: number;
}

export interface MeshSuiteOptions {
  /** the length unit of OBJ, PLY and STL files (glTF is metres); an asset's `units` attribute overrides it */
  units: LengthUnit;
  views: { count: number; size: number; elevationDeg: number };
}

export interface SuiteLike {
  name: string;
  source: string;
  /** omitted: the modality all its metrics share */
  modality?: Modality;
  video?: VideoSuiteOptions;
  mesh?: MeshSuiteOptions;
  metrics: {
    metric: string;
    params: Record<string, unknown>;
    thresholds: Record<string, { min?: number; max?: number; safety?: boolean }>;
  }[];
}

/** Every metric the workers can run, discovered from the metric folders and checked once at start-up. */
export class MetricRegistry {
  private constructor(private readonly byName: Map<string, MetricDefinition>) {}

  /** Loads every module in `<modality>/metrics/` (compiled). Throws listing all problems at once. */
  static async load(): Promise<MetricRegistry> {
    const byName = new Map<string, MetricDefinition>();
    const problems: string[] = [];
    // one folder of metric modules per modality
    for (const modality of MODALITIES) {
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
    const modality = suite.modality ?? this.commonModality(suite);
    for (const entry of suite.metrics) {
      const def = this.byName.get(entry.metric);
      if (!def) {
        problems.push(`unknown metric ${entry.metric}`);
        continue;
      }
      const perSample = Boolean(MODALITY_DESCRIPTORS[modality].imageSamples) && def.modality === 'image';
      if (def.modality !== modality && !perSample) {
        problems.push(`${def.name} is a metric of ${def.modality} assets; this suite scores ${modality}`);
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
        const problem = perSample
          ? sampleThresholdProblem(def, key)
          : def.scores.some((s) => s.key === key)
            ? undefined
            : `${def.name} has no score ${key}`;
        if (problem) problems.push(`${def.name}.thresholds: ${problem}`);
        else thresholds.push({ score: `${def.name}.${key}`, ...t });
      }
      metrics.push({ def, params, ...(perSample ? { perSample } : {}) });
    }
    if (problems.length) throw new Error(`suite ${suite.name} (${suite.source}): ${problems.join('; ')}`);
    const defs = metrics.map((m) => m.def);
    return {
      name: suite.name,
      modality,
      video: modality === 'video' ? (suite.video ?? { sampling: { mode: 'uniform', count: 8 }, analysisMaxSide: 320 }) : undefined,
      mesh: modality === '3d' ? (suite.mesh ?? { units: 'm', views: { count: 8, size: 512, elevationDeg: 20 } }) : undefined,
      metrics,
      thresholds,
      models: [...new Set(metrics.flatMap((m) => [...(m.def.needs.models ?? []), ...(m.def.modelsFor?.(m.params) ?? [])]))],
      files: [...new Set(defs.flatMap((d) => d.needs.files ?? []))],
      needsSamples: metrics.some((m) => m.perSample || m.def.needs.samples),
      needsReference: defs.some((d) => d.needs.reference),
    };
  }

  private commonModality(suite: SuiteLike): Modality {
    const found = new Set(suite.metrics.map((m) => this.byName.get(m.metric)?.modality).filter((m): m is Modality => Boolean(m)));
    return found.size === 1 ? [...found][0] : 'image';
  }
}

/** Thresholds of a per-frame (per-view) metric name a score and a statistic, e.g. `laplacian_variance.p5`. */
function sampleThresholdProblem(def: MetricDefinition, key: string): string | undefined {
  const [score, stat, ...rest] = key.split('.');
  const spec = def.scores.find((s) => s.key === score);
  if (!spec) return `${def.name} has no score ${score}`;
  const stats = frameStatsFor(spec.direction);
  if (rest.length || !stat || !(stats as string[]).includes(stat))
    return `per-sample score ${key}: give ${stats.map((s) => `${score}.${s}`).join(', ')}`;
  return undefined;
}

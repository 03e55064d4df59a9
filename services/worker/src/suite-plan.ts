import type { ExternalTool, Modality } from '@assay/contracts';
import { ModelNotInstalled, type ModelRegistry } from '@assay/models';
import type { Logger } from '@assay/observability';
import { resolveCatalogFiles, type MetricRegistry, type ResolvedSuite } from '@assay/scoring';
import type { SuiteCatalog } from '@assay/suites';
import { suiteTools } from './tools.js';

/** What this worker can score: suites whose models loaded and whose parameter files were found. */
export interface SuitePlan {
  servable: Map<string, ResolvedSuite>;
  /** suite → why it cannot be served here (jobs for it fail `model_unavailable`) */
  unavailable: Map<string, string>;
  /** parameter file (relative to MODEL_DIR) → absolute path */
  files: Map<string, string>;
}

/**
 * Resolves every suite of an enabled modality against the metric registry (a bad suite definition stops the
 * start), loads each needed model once through the model registry (manifest, sha256 and graph checked; a
 * model's `from` models too), and finds parameter files. A suite missing a model, a file or an external program
 * (ffmpeg for video and audio, chromium for the rendered views of 3D assets) is not fatal — the worker still
 * serves the others — and reported (`/readyz`, GET /v1/models, the start-up log line); a model that is installed
 * but refused is logged as an error.
 */
export interface PlanOptions {
  /** the modalities this worker serves: suites of others are not loaded (their jobs never come here) */
  modalities: readonly Modality[];
  /** where model files are looked for (config.modelDirs) */
  modelDirs: readonly string[];
  logger: Logger;
  /** why each external program that cannot be used here cannot (suites needing it are then unavailable) */
  toolProblems?: ReadonlyMap<ExternalTool, string>;
}

export async function planSuites(
  catalog: SuiteCatalog,
  registry: MetricRegistry,
  models: ModelRegistry,
  options: PlanOptions,
): Promise<SuitePlan> {
  const { modelDirs, logger, toolProblems } = options;
  const resolved = catalog
    .list()
    .filter((s) => options.modalities.includes(s.modality))
    .map((s) => registry.resolveSuite(s));
  for (const p of models.problems) logger.error({ manifest: p.source, problem: p.message }, 'model manifest refused');

  const needs = (suite: ResolvedSuite) => [...new Set(suite.models.flatMap((id) => [id, ...models.dependencies(id)]))];
  const modelErrors = new Map<string, string>();
  for (const id of new Set(resolved.flatMap(needs))) {
    try {
      await models.ensure(id);
    } catch (err) {
      modelErrors.set(id, (err as Error).message);
      // an optional model that is not installed is normal (the start-up line lists what is unavailable); one
      // that is there but wrong (hash, graph, ONNX Runtime) is an operator's error
      if (!(err instanceof ModelNotInstalled)) logger.error({ model: id, err: (err as Error).message }, 'model refused');
    }
  }
  // the model directories first, then the npm package the file catalog names (e.g. the PP-OCR dictionary)
  const { found, missing } = resolveCatalogFiles([...new Set(resolved.flatMap((s) => s.files))], modelDirs);

  const plan: SuitePlan = { servable: new Map(), unavailable: new Map(), files: found };
  for (const suite of resolved) {
    const reasons = [
      ...suiteTools(suite).flatMap((tool) => toolProblems?.get(tool) ?? []),
      ...needs(suite)
        .filter((m) => modelErrors.has(m))
        .map((m) => modelErrors.get(m)!),
      ...suite.files.filter((f) => missing.includes(f)).map((f) => `${f} not found in ${modelDirs.join(' or ')}`),
    ];
    if (reasons.length) plan.unavailable.set(suite.name, reasons.join('; '));
    else plan.servable.set(suite.name, suite);
  }
  return plan;
}

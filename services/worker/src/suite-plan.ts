import { isModalityEnabled } from '@assay/contracts';
import type { InferenceHost } from '@assay/inference';
import type { Logger } from '@assay/observability';
import { MODEL_CATALOG, resolveCatalogFiles, resolveModel, type MetricRegistry, type ResolvedSuite } from '@assay/scoring';
import type { SuiteCatalog } from '@assay/suites';

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
 * start), loads each needed model once, and finds parameter files in MODEL_DIR. A suite missing a model
 * or file is not fatal — the worker still serves the others — but it is logged and reported.
 */
export async function planSuites(catalog: SuiteCatalog, registry: MetricRegistry, models: InferenceHost, modelDir: string | undefined, logger: Logger): Promise<SuitePlan> {
  const resolved = catalog
    .list()
    .filter((s) => isModalityEnabled(s.modality))
    .map((s) => registry.resolveSuite(s));

  const modelErrors = new Map<string, string>();
  for (const id of new Set(resolved.flatMap((s) => s.models))) {
    try {
      const loaded = await models.load(resolveModel(id, modelDir));
      const missing = MODEL_CATALOG[id].inputs.filter((name) => !loaded.inputs.some((i) => i.name === name));
      if (missing.length) modelErrors.set(id, `model ${id}: the graph has no input named ${missing.join(', ')}`);
    } catch (err) {
      modelErrors.set(id, (err as Error).message);
    }
  }
  // MODEL_DIR first, then the npm package the file catalog names (e.g. the PP-OCR dictionary)
  const { found, missing } = resolveCatalogFiles([...new Set(resolved.flatMap((s) => s.files))], modelDir);

  const plan: SuitePlan = { servable: new Map(), unavailable: new Map(), files: found };
  for (const suite of resolved) {
    const reasons = [
      ...suite.models.filter((m) => modelErrors.has(m)).map((m) => modelErrors.get(m)!),
      ...suite.files.filter((f) => missing.includes(f)).map((f) => `${f} not found in MODEL_DIR (${modelDir ?? 'unset'})`),
    ];
    if (reasons.length) plan.unavailable.set(suite.name, reasons.join('; '));
    else plan.servable.set(suite.name, suite);
  }
  for (const [name, reason] of plan.unavailable) logger.warn({ suite: name, reason }, 'suite unavailable on this worker');
  return plan;
}

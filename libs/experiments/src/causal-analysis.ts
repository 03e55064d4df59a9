import { CausalError, designMatrix, estimateEffect, type CovariateValue } from '@assay/causal';
import {
  AssayError,
  ErrorCode,
  EXPERIMENT_EVENT_TYPES,
  type CausalAnalysis,
  type CausalRequest,
  type ExperimentRecord,
  type ResultRecord,
} from '@assay/contracts';
import { quantile } from '@assay/stats';

const MIN_ASSETS = 20;
const MIN_PER_GROUP = 10;

/** A shown asset with its scores and its engagement over all its exposures. */
export interface EngagedAsset {
  variant: string;
  assetId: string;
  scores: Record<string, number>;
  attributes: Record<string, string | number | boolean>;
  exposures: number;
  outcome: number;
}

export interface JoinedAssets {
  assets: EngagedAsset[];
  excluded: Record<string, number>;
}

/**
 * Joins the per-asset engagement with each asset's scored result in the run its variant shows. Assets without
 * a completed result, and assets with fewer than `minExposures` denominator events, are counted out.
 */
export async function joinAssets(
  experiment: ExperimentRecord,
  engagement: ReadonlyMap<string, number[]>,
  outcome: CausalRequest['outcome'],
  minExposures: number,
  results: (runId: string) => AsyncIterable<ResultRecord>,
): Promise<JoinedAssets> {
  const excluded: Record<string, number> = {};
  const out = (reason: string) => (excluded[reason] = (excluded[reason] ?? 0) + 1);
  const num = EXPERIMENT_EVENT_TYPES.indexOf(outcome.numerator);
  const den = EXPERIMENT_EVENT_TYPES.indexOf(outcome.denominator);
  const byVariant = new Map<number, Map<string, number[]>>();
  for (const [field, counts] of engagement) {
    const bar = field.indexOf('|');
    const v = Number(field.slice(0, bar));
    if (!byVariant.has(v)) byVariant.set(v, new Map());
    byVariant.get(v)!.set(field.slice(bar + 1), counts);
  }
  const assets: EngagedAsset[] = [];
  for (const [v, shown] of byVariant) {
    const variant = experiment.variants[v];
    const seen = new Set<string>();
    if (variant.runId) {
      for await (const r of results(variant.runId)) {
        const counts = shown.get(r.assetId);
        if (!counts || r.status !== 'completed') continue;
        seen.add(r.assetId);
        if (counts[den] < minExposures) {
          out('few_exposures');
          continue;
        }
        assets.push({
          variant: variant.key,
          assetId: r.assetId,
          scores: r.scores,
          attributes: r.attributes,
          exposures: counts[den],
          outcome: counts[num] / counts[den],
        });
      }
    }
    for (const id of shown.keys()) if (!seen.has(id)) out('no_result');
  }
  return { assets, excluded };
}

function valueOf(a: EngagedAsset, name: string): CovariateValue | undefined {
  return name in a.attributes ? a.attributes[name] : a.scores[name];
}

/** 1/0 per asset by the request's treatment; undefined where the asset has no value for it. */
function treatments(assets: readonly EngagedAsset[], t: CausalRequest['treatment']): (number | undefined)[] {
  if ('score' in t) {
    const values = assets.map((a) => a.scores[t.score]);
    let cut = t.above;
    if (t.topShare !== undefined) {
      const present = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
      cut = quantile(present, 1 - t.topShare);
    }
    return values.map((v) => (v === undefined ? undefined : t.topShare !== undefined ? Number(v >= cut!) : Number(v > cut!)));
  }
  return assets.map((a) => {
    const v = a.attributes[t.attribute];
    if (v === undefined) return undefined;
    if (t.equals !== undefined) return Number(v === t.equals);
    if (typeof v !== 'boolean')
      throw new AssayError(
        ErrorCode.ValidationFailed,
        `attribute ${t.attribute} is not boolean: give treatment.equals (e.g. "${String(v)}")`,
      );
    return Number(v);
  });
}

const CAUSAL_CODES: Record<CausalError['code'], (typeof ErrorCode)[keyof typeof ErrorCode]> = {
  design_singular: ErrorCode.DesignSingular,
  no_overlap: ErrorCode.NoOverlap,
  separation: ErrorCode.PropensitySeparation,
  not_converged: ErrorCode.PropensitySeparation,
  not_enough_rows: ErrorCode.NotEnoughAssets,
  invalid_input: ErrorCode.ValidationFailed,
};

/**
 * The effect of an asset attribute (or a binarized score) on engagement, adjusted for the named confounders:
 * regression, IPW and AIPW with their diagnostics (docs/experiments.md: causal analysis).
 */
export function analyzeCausal(experiment: ExperimentRecord, req: CausalRequest, joined: JoinedAssets, now = new Date()): CausalAnalysis {
  const excluded = { ...joined.excluded };
  const out = (reason: string) => (excluded[reason] = (excluded[reason] ?? 0) + 1);
  const t = treatments(joined.assets, req.treatment);
  const kept: { asset: EngagedAsset; t: number }[] = [];
  joined.assets.forEach((asset, i) => {
    if (t[i] === undefined) return out('no_treatment_value');
    if (req.confounders.some((c) => valueOf(asset, c) === undefined)) return out('missing_confounder');
    kept.push({ asset, t: t[i] });
  });
  const treated = kept.filter((k) => k.t === 1).length;
  if (kept.length < MIN_ASSETS || treated < MIN_PER_GROUP || kept.length - treated < MIN_PER_GROUP)
    throw new AssayError(
      ErrorCode.NotEnoughAssets,
      `${kept.length} assets joined (${treated} treated, ${kept.length - treated} control); ` +
        `the analysis needs ${MIN_ASSETS}, with ${MIN_PER_GROUP} in each group`,
      Object.entries(excluded).map(([reason, n]) => ({ path: `excluded.${reason}`, message: `${n} assets` })),
    );
  const columns = req.confounders.map((name) => ({
    name,
    kind: kept.every((k) => typeof valueOf(k.asset, name) === 'number') ? ('numeric' as const) : ('categorical' as const),
  }));
  try {
    const design = designMatrix(
      kept.map((k) => Object.fromEntries(req.confounders.map((c) => [c, valueOf(k.asset, c)!]))),
      columns,
    );
    const y = Float64Array.from(kept, (k) => k.asset.outcome);
    const groups = req.cluster ? kept.map((k) => String(k.asset.attributes[req.cluster!] ?? '(none)')) : undefined;
    const est = estimateEffect({ y, t: kept.map((k) => k.t), design, groups, alpha: req.alpha, trim: req.trim });
    return {
      experimentId: experiment.id,
      computedAt: now.toISOString(),
      request: req,
      assets: { joined: kept.length, treated: est.treated, control: est.control, excluded },
      outcomeMean: y.reduce((a, b) => a + b, 0) / y.length,
      naive: est.naive,
      regression: est.regression,
      ipw: est.ipw,
      aipw: est.aipw,
      propensity: est.propensity,
      overlap: est.overlap,
      balance: est.balance,
      eValue: est.eValue,
      assumptions: est.assumptions,
    };
  } catch (err) {
    if (err instanceof CausalError)
      throw new AssayError(
        CAUSAL_CODES[err.code],
        err.message,
        Object.entries(err.details ?? {}).map(([path, value]) => ({
          path,
          message: typeof value === 'string' ? value : JSON.stringify(value),
        })),
      );
    throw err;
  }
}

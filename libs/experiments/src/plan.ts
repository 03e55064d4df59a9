import { mdeForSampleSize, powerFor, sampleSizeForMde } from '@assay/ab-stats';
import { AssayError, ErrorCode, type PlanRequest, type PlanResult } from '@assay/contracts';

/**
 * Units per variant for a minimum detectable effect, or the effect a sample size detects (two-sided z test,
 * equal allocation). With more than two variants each treatment is compared with control at α / (variants − 1)
 * (Bonferroni: a conservative stand-in for the Holm correction the readout applies). CUPED shrinks the
 * standard deviation by √(1 − ρ²).
 */
export function planExperiment(req: PlanRequest): PlanResult {
  const baselineMean = 'rate' in req.baseline ? req.baseline.rate : req.baseline.mean;
  const rawSd = 'rate' in req.baseline ? Math.sqrt(req.baseline.rate * (1 - req.baseline.rate)) : req.baseline.sd;
  const rho = req.covariateCorrelation ?? 0;
  const sd = rawSd * Math.sqrt(1 - rho * rho);
  const alpha = req.alpha / (req.variants - 1);
  const notes: string[] = [];
  if (req.variants > 2) notes.push(`${req.variants - 1} treatments: each is tested at α = ${alpha.toPrecision(3)} (Bonferroni).`);
  if (rho > 0) notes.push(`CUPED with ρ = ${rho}: the standard deviation shrinks from ${rawSd.toPrecision(4)} to ${sd.toPrecision(4)}.`);
  if ('rate' in req.baseline)
    notes.push(
      'A rate per unit: the standard deviation is √(p(1 − p)); a ratio metric (clicks / impressions per user) ' +
        'needs its per-unit standard deviation from past data.',
    );
  notes.push(
    'A sequential experiment (always-valid intervals) needs more units than this fixed-horizon plan to reach the same power: ' +
      'the price of being allowed to look at any time.',
  );

  let units: number;
  let mdeAbsolute: number;
  if (req.mde) {
    mdeAbsolute = req.mde.absolute ?? req.mde.relative! * Math.abs(baselineMean);
    if (!(mdeAbsolute > 0))
      throw new AssayError(ErrorCode.ValidationFailed, 'a relative effect of a zero baseline is zero: give an absolute effect');
    units = sampleSizeForMde({ alpha, power: req.power, sd, mde: mdeAbsolute, ratio: 1 }).control;
  } else {
    units = req.unitsPerVariant!;
    mdeAbsolute = mdeForSampleSize({ alpha, power: req.power, sd, control: units, treatment: units });
  }
  return {
    unitsPerVariant: units,
    totalUnits: units * req.variants,
    mde: { absolute: mdeAbsolute, relative: baselineMean !== 0 ? mdeAbsolute / Math.abs(baselineMean) : undefined },
    power: powerFor({ alpha, sd, mde: mdeAbsolute, control: units, treatment: units }),
    alphaPerComparison: alpha,
    sd,
    notes,
  };
}

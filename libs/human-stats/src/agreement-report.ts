/**
 * Every agreement statistic of one rating matrix with percentile bootstrap intervals. A resample draws the
 * matrix's rows (items) with replacement, once for all three statistics, so their intervals describe the
 * same resampled studies; each statistic then reads the drawn rows it uses.
 */
import { createRng, quantile, requireAlpha, StatsInputError } from '@assay/stats';
import { cohensKappa, type KappaWeights } from './cohen.js';
import { fleissItems, fleissOfUnits, percentAgreementOfUnits } from './fleiss.js';
import { alphaOfUnits } from './krippendorff.js';
import { readUnits, requireLevel, unitCount, type AgreementLevel, type RatingMatrix } from './ratings.js';

export interface Estimate {
  estimate: number;
  ci: [number, number];
  /** Items used. */
  n: number;
}

export interface AgreementReport {
  items: number;
  raters: number;
  ratings: number;
  alpha: Estimate;
  /** Over the items with the modal number of ratings (see fleissKappa); null when no item has two ratings. */
  fleissKappa: Estimate | null;
  percentAgreement: Estimate;
  /** Column indices; only pairs with ≥ minPairItems shared items. Weights follow the level: none, linear, quadratic. */
  cohenPairs: { raterA: number; raterB: number; kappa: number; n: number }[];
}

export interface AgreementReportOptions {
  level: AgreementLevel;
  /** Bootstrap resamples, default 1000. */
  resamples?: number;
  /** Default 1. */
  seed?: number;
  /** Default 0.95. */
  confidence?: number;
  /** Default 10. */
  minPairItems?: number;
}

const PAIR_WEIGHTS: Record<AgreementLevel, KappaWeights> = { nominal: 'none', ordinal: 'linear', interval: 'quadratic' };

export function agreementReport(m: RatingMatrix, opts: AgreementReportOptions): AgreementReport {
  const { level, resamples = 1000, seed = 1, confidence = 0.95, minPairItems = 10 } = opts;
  requireLevel(level);
  requireAlpha(confidence, 'confidence');
  if (!Number.isSafeInteger(resamples) || resamples < 1) {
    throw new StatsInputError('invalid_argument', `resamples must be a positive integer, got ${resamples}`);
  }
  if (!Number.isSafeInteger(minPairItems) || minPairItems < 1) {
    throw new StatsInputError('invalid_argument', `minPairItems must be a positive integer, got ${minPairItems}`);
  }
  const units = readUnits(m);
  const count = unitCount(units);
  const fleissUsed = fleissItems(units);
  const stats = [
    (w: Float64Array | null) => alphaOfUnits(units, level, w),
    (w: Float64Array | null) => fleissOfUnits(units, fleissUsed, w),
    (w: Float64Array | null) => percentAgreementOfUnits(units, w),
  ];
  const draws = stats.map(() => new Float64Array(resamples));
  const rng = createRng(seed);
  const drawn = new Float64Array(units.items);
  const weight = new Float64Array(count);
  for (let r = 0; r < resamples; r++) {
    drawn.fill(0);
    for (let i = 0; i < units.items; i++) drawn[rng.nextInt(units.items)]++;
    for (let u = 0; u < count; u++) weight[u] = drawn[units.row[u]];
    stats.forEach((stat, s) => (draws[s][r] = stat(weight)));
  }
  const estimate = (s: number, n: number): Estimate => ({ estimate: stats[s](null), ci: percentile(draws[s], confidence), n });
  return {
    items: units.items,
    raters: units.raters,
    ratings: units.ratings,
    alpha: estimate(0, count),
    fleissKappa:
      count === 0
        ? null
        : estimate(
            1,
            fleissUsed.reduce((s, x) => s + x, 0),
          ),
    percentAgreement: estimate(2, count),
    cohenPairs: cohenPairs(m, units.raters, PAIR_WEIGHTS[level], minPairItems),
  };
}

/** The percentile interval of the defined resampled values (a resample with no variation has an undefined statistic). */
function percentile(draws: Float64Array, confidence: number): [number, number] {
  const defined = draws.filter((x) => !Number.isNaN(x)).sort();
  if (defined.length === 0) return [NaN, NaN];
  const tail = (1 - confidence) / 2;
  return [quantile(defined, tail), quantile(defined, 1 - tail)];
}

function cohenPairs(m: RatingMatrix, raters: number, weights: KappaWeights, minPairItems: number): AgreementReport['cohenPairs'] {
  const pairs: AgreementReport['cohenPairs'] = [];
  const columns = Array.from({ length: raters }, (_, c) => m.map((row) => row[c]));
  for (let a = 0; a < raters; a++) {
    for (let b = a + 1; b < raters; b++) {
      let n = 0;
      for (let i = 0; i < m.length; i++) if (columns[a][i] !== null && columns[b][i] !== null) n++;
      if (n >= minPairItems) pairs.push({ raterA: a, raterB: b, kappa: cohensKappa(columns[a], columns[b], weights), n });
    }
  }
  return pairs;
}

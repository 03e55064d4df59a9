/**
 * Fleiss' κ and percent agreement, both from each unit's agreeing pairs of ratings.
 */
import { categoryMarginals } from './krippendorff.js';
import { readUnits, unitCount, unitSize, type RatingMatrix, type Units } from './ratings.js';

/**
 * Fleiss' κ (Fleiss 1971) as statsmodels' `fleiss_kappa(aggregate_raters(...))`. Fleiss' formula assumes
 * every item has the same number of ratings, so with unequal counts κ is taken over the items with the
 * modal count among pairable items (the larger count on a tie) and the others are left out — see
 * `fleissItems`. NaN when no such items exist or every rating falls in one category.
 */
export function fleissKappa(m: RatingMatrix): number {
  const units = readUnits(m);
  return fleissOfUnits(units, fleissItems(units), null);
}

/** Per pairable unit, whether it has the modal number of ratings (the larger count on a tie). */
export function fleissItems(units: Units): Uint8Array {
  const frequency = new Map<number, number>();
  for (let u = 0; u < unitCount(units); u++) frequency.set(unitSize(units, u), (frequency.get(unitSize(units, u)) ?? 0) + 1);
  let [mode, best] = [0, 0];
  for (const [size, f] of frequency) if (f > best || (f === best && size > mode)) [mode, best] = [size, f];
  return Uint8Array.from({ length: unitCount(units) }, (_, u) => (unitSize(units, u) === mode ? 1 : 0));
}

/** κ over the units marked in `used`, each counted `weight[u]` times (or once). */
export function fleissOfUnits(units: Units, used: Uint8Array, weight: Float64Array | null): number {
  const w = new Float64Array(used.length);
  let items = 0;
  let observed = 0;
  for (let u = 0; u < used.length; u++) {
    w[u] = used[u] ? (weight ? weight[u] : 1) : 0;
    if (w[u] === 0) continue;
    const m = unitSize(units, u);
    items += w[u];
    observed += (w[u] * (units.agreeingPairs[u] - m)) / (m * (m - 1));
  }
  const marginals = categoryMarginals(units, w);
  let n = 0;
  for (const nc of marginals) n += nc;
  let expected = 0;
  for (const nc of marginals) expected += (nc / n) ** 2;
  return (observed / items - expected) / (1 - expected);
}

/** Mean over pairable items of the share of their rater pairs that agree exactly; NaN when no item has two ratings. */
export function percentAgreement(m: RatingMatrix): number {
  return percentAgreementOfUnits(readUnits(m), null);
}

export function percentAgreementOfUnits(units: Units, weight: Float64Array | null): number {
  let sum = 0;
  let items = 0;
  for (let u = 0; u < unitCount(units); u++) {
    const w = weight ? weight[u] : 1;
    const m = unitSize(units, u);
    sum += (w * (units.agreeingPairs[u] - m)) / (m * (m - 1));
    items += w;
  }
  return sum / items;
}

/**
 * Rating matrices, and the part of one every agreement statistic reads: the pairable units (items with at
 * least two ratings), their ratings as indices into the sorted distinct values, and per-unit summaries.
 */
import { StatsInputError } from '@assay/stats';

export type AgreementLevel = 'nominal' | 'ordinal' | 'interval';

/** rows = items (units), columns = raters; null where that rater did not rate the item. Nominal values are category codes (numbers). */
export type RatingMatrix = readonly (readonly (number | null)[])[];

export interface Units {
  /** The whole matrix: rows, columns and non-null cells. */
  items: number;
  raters: number;
  ratings: number;
  /** Pairable units only, in row order: the matrix row of each, and where its ratings start (CSR, one extra end entry). */
  row: Int32Array;
  start: Int32Array;
  /** The sorted distinct values among pairable ratings, and each pairable rating as an index into them. */
  values: Float64Array;
  category: Int32Array;
  /** Per unit: Σ_c n_uc², the ordered pairs of ratings (a rating with itself included) that agree. */
  agreeingPairs: Float64Array;
}

export const unitCount = (u: Units) => u.row.length;
export const unitSize = (u: Units, i: number) => u.start[i + 1] - u.start[i];

export function requireLevel(level: AgreementLevel): void {
  if (level !== 'nominal' && level !== 'ordinal' && level !== 'interval') {
    throw new StatsInputError('invalid_argument', `level must be nominal, ordinal or interval, got ${String(level)}`);
  }
}

/** Validates the matrix (rectangular, finite or null) and gathers its pairable units. */
export function readUnits(m: RatingMatrix): Units {
  const items = m.length;
  if (items === 0) throw new StatsInputError('empty_sample', 'the rating matrix has no items');
  const raters = m[0].length;
  if (raters === 0) throw new StatsInputError('empty_sample', 'the rating matrix has no raters');
  let ratings = 0;
  const rows: number[] = [];
  const raw: number[] = [];
  const start = [0];
  for (let r = 0; r < items; r++) {
    const row = m[r];
    if (row.length !== raters) throw new StatsInputError('length_mismatch', `row ${r} has ${row.length} ratings; row 0 has ${raters}`);
    let k = 0;
    for (let c = 0; c < raters; c++) {
      const v = row[c];
      if (v === null) continue;
      if (!Number.isFinite(v)) throw new StatsInputError('non_finite_value', `rating [${r}][${c}] is ${v}`);
      raw.push(v);
      k++;
    }
    ratings += k;
    if (k >= 2) {
      rows.push(r);
      start.push(raw.length);
    } else {
      raw.length -= k; // an unpairable unit carries no information about agreement
    }
  }
  const values = Float64Array.from(new Set(raw)).sort();
  const index = new Map<number, number>();
  values.forEach((v, i) => index.set(v, i));
  const category = Int32Array.from(raw, (v) => index.get(v)!);
  const units: Units = {
    items,
    raters,
    ratings,
    row: Int32Array.from(rows),
    start: Int32Array.from(start),
    values,
    category,
    agreeingPairs: new Float64Array(rows.length),
  };
  for (let u = 0; u < rows.length; u++) units.agreeingPairs[u] = agreeingPairs(category.subarray(units.start[u], units.start[u + 1]));
  return units;
}

/** Σ_c n_c² over one unit's categories, from runs of the sorted copy (units of hundreds of raters stay O(m log m)). */
function agreeingPairs(categories: Int32Array): number {
  const sorted = categories.slice().sort();
  let sum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    sum += (j - i) * (j - i);
    i = j;
  }
  return sum;
}

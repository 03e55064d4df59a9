/**
 * Design matrices from asset attributes, named as patsy / statsmodels' formulas name them, and the rank
 * check every fit relies on.
 */
import { CausalError } from './errors.js';
import { cholesky, gram, type Columns } from './linalg.js';

/** Row-major rows × cols matrix with a name per column. */
export interface Design {
  x: Float64Array;
  rows: number;
  cols: number;
  names: string[];
}

export type CovariateValue = number | string | boolean | null;

export interface DesignColumn {
  name: string;
  kind: 'numeric' | 'categorical';
}

/** Levels in patsy's order: false before true, numbers numerically, strings by code unit. */
function compareLevels(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  const rank = (v: unknown) => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);
  return rank(a) - rank(b);
}

/** How patsy prints a level inside `name[T.level]`: Python's repr of booleans. */
const levelName = (v: string | number | boolean) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

/**
 * Builds a design matrix: the intercept column "Intercept" first, numeric columns as they are, categorical
 * columns (strings, booleans, or numbers used as codes) one-hot with the first level in sorted order as the
 * reference, named `category[T.shoes]` as patsy's treatment coding does. A missing value (null, undefined)
 * or a non-finite number throws invalid_input naming the column and row.
 */
export function designMatrix(rows: readonly Record<string, CovariateValue>[], columns: readonly DesignColumn[]): Design {
  const seen = new Set<string>(['Intercept']);
  for (const c of columns) {
    if (seen.has(c.name)) throw new CausalError('invalid_input', `column ${JSON.stringify(c.name)} appears twice (or is "Intercept")`);
    if (c.kind !== 'numeric' && c.kind !== 'categorical')
      throw new CausalError('invalid_input', `column ${c.name}: kind must be numeric or categorical`);
    seen.add(c.name);
  }
  const n = rows.length;
  const valueAt = (i: number, c: DesignColumn): string | number | boolean => {
    const v = rows[i][c.name] as CovariateValue | undefined;
    if (v === null || v === undefined)
      throw new CausalError('invalid_input', `column ${c.name} is missing at row ${i}`, { column: c.name, row: i });
    if (c.kind === 'numeric' && typeof v !== 'number')
      throw new CausalError('invalid_input', `numeric column ${c.name} holds ${JSON.stringify(v)} at row ${i}`, { column: c.name, row: i });
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new CausalError('invalid_input', `column ${c.name} is ${v} at row ${i}`, { column: c.name, row: i });
    return v;
  };

  // per source column: its output names and, for categorical ones, the code of each non-reference level
  const names = ['Intercept'];
  const plans = columns.map((c) => {
    const offset = names.length;
    if (c.kind === 'numeric') {
      names.push(c.name);
      return { c, offset, levels: null };
    }
    const distinct = new Map<string, string | number | boolean>();
    for (let i = 0; i < n; i++) {
      const v = valueAt(i, c);
      distinct.set(`${typeof v}:${String(v)}`, v);
    }
    const sorted = [...distinct.values()].sort(compareLevels);
    const levels = new Map<string, number>();
    sorted.slice(1).forEach((v, j) => {
      levels.set(`${typeof v}:${String(v)}`, j);
      names.push(`${c.name}[T.${levelName(v)}]`);
    });
    return { c, offset, levels };
  });

  const cols = names.length;
  const x = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const base = i * cols;
    x[base] = 1;
    for (const { c, offset, levels } of plans) {
      const v = valueAt(i, c);
      if (levels === null) x[base + offset] = v as number;
      else {
        const j = levels.get(`${typeof v}:${String(v)}`);
        if (j !== undefined) x[base + offset + j] = 1;
      }
    }
  }
  return { x, rows: n, cols, names };
}

/** Throws invalid_input unless the design's shape, names and values are consistent and finite. */
export function validateDesign(design: Design): void {
  const { x, rows, cols, names } = design;
  if (!(x instanceof Float64Array)) throw new CausalError('invalid_input', 'design.x must be a Float64Array');
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 1 || x.length !== rows * cols)
    throw new CausalError('invalid_input', `design.x has ${x.length} values, not rows × cols = ${rows} × ${cols}`);
  if (names.length !== cols) throw new CausalError('invalid_input', `design has ${cols} columns but ${names.length} names`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      const column = names[i % cols];
      throw new CausalError('invalid_input', `design column ${column} is ${x[i]} at row ${Math.floor(i / cols)}`, { column });
    }
  }
}

/** Throws design_singular naming the dropped columns of a factor of the design's Gram matrix. */
export function singularError(names: readonly string[], dropped: readonly number[], what = 'design'): CausalError {
  const columns = dropped.map((j) => names[j]);
  return new CausalError(
    'design_singular',
    `${what} is rank deficient: ${columns.join(', ')} ${columns.length === 1 ? 'is a linear combination' : 'are linear combinations'} of earlier columns`,
    { columns },
  );
}

/**
 * Throws design_singular naming every column that is (numerically) a linear combination of the columns
 * before it: a column-ordered Cholesky of the unit-diagonal XᵀX that drops a column when under 1e-5 of its
 * norm is left after projecting out the kept earlier columns (a constant column after the intercept, a
 * dummy for every level of a category, a column equal to a sum of others).
 */
export function requireFullRank(design: Design): void {
  validateDesign(design);
  const src: Columns = design;
  const { dropped } = cholesky(gram(src, null, null, null).a, design.cols);
  if (dropped.length > 0) throw singularError(design.names, dropped);
}

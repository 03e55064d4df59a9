import type { ComparisonSettings, Estimate, Interval, IntervalMethod } from '@assay/contracts';

/** alpha of a two-sided interval at `level` */
export const alphaOf = (level: number) => 1 - level;

/** JSON has no infinities or NaN: a bound that does not exist is null. */
export const bound = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
export const interval = (lo: number | null | undefined, hi: number | null | undefined): Interval => [bound(lo), bound(hi)];

/**
 * An estimate with its interval at the report level and at the gate level, from one function of alpha (the
 * same bootstrap replicates or the same formula at both levels).
 */
export function estimate(
  value: number | null,
  method: IntervalMethod,
  at: (alpha: number) => readonly [number | null, number | null] | null,
  settings: Pick<ComparisonSettings, 'level' | 'gateLevel'>,
): Estimate {
  const ci = at(alphaOf(settings.level));
  const gate = at(alphaOf(settings.gateLevel));
  return {
    value: bound(value),
    ci: ci ? interval(ci[0], ci[1]) : [null, null],
    method,
    ...(gate ? { gateCi: interval(gate[0], gate[1]) } : {}),
  };
}

export const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

/** sample standard deviation (n − 1) */
export function sd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export const sortedCopy = (xs: ArrayLike<number>) => Float64Array.from(xs).sort();

/** Appends `source` to `target` (no spread: a stretch may hold more values than a call takes arguments). */
export function append(target: number[], source: readonly number[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]);
}
